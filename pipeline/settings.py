"""Pydantic schemas for every section of a vien configuration.

Defaults live here and only here; each field's description is its
documentation. ``pipeline.config`` assembles these into one validated
configuration.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)


class Section(BaseModel):
    """Base of every section: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class InputSettings(Section):
    text_field: str = Field("text", description="JSONL field holding the document text.")
    id_field: str = Field("id", description="JSONL field holding the document id, if present.")
    title_field: str = Field("title", description="JSONL field holding a title, if present.")
    max_bytes: int = Field(
        20_000_000, ge=1, description="Larger input files are refused with an error."
    )
    extensions: list[str] = Field(
        [".txt", ".md", ".jsonl", ".html", ".htm"],
        description="File suffixes read when a folder is given.",
    )


OutputFormat = Literal["jsonl", "tsv", "moses", "tmx", "summaries", "removed", "parquet", "html"]


class OutputSettings(Section):
    formats: list[OutputFormat] = Field(
        ["jsonl", "tsv", "moses", "tmx", "summaries", "removed", "parquet", "html"],
        description="Corpus-level files written at the end of a run.",
    )


class RunSettings(Section):
    batch_docs: int = Field(16, ge=1, description="Documents gathered into one model batch.")
    batch_segments: int = Field(
        512,
        ge=1,
        description="Sentences the translate stage gathers at least (adding documents beyond "
        "batch_docs), so one-sentence documents still fill batches on every core; more is "
        "a little faster and holds more in memory.",
    )
    on_error: Literal["skip", "raise"] = Field(
        "skip", description="What a failing document does: logged and skipped, or stops the run."
    )


class EngineSettings(Section):
    """Where ``vien run --engine ray`` places the model stages; the local engine ignores it."""

    actors: int = Field(
        1,
        ge=1,
        description="Actors per model stage (translate, summarize); each loads its models once.",
    )
    cpus_per_actor: float = Field(1.0, gt=0, description="CPUs each model actor reserves.")
    cpus_per_task: float = Field(
        1.0, gt=0, description="CPUs each task of a stage without a model (normalize) reserves."
    )
    gpus_per_actor: float | None = Field(
        None,
        ge=0,
        description="GPUs each model actor reserves; unset: 1 if the cluster has GPUs, else 0.",
    )


class NormalizeSettings(Section):
    tone_style: Literal["keep", "old", "new"] = Field(
        "keep", description="Tone-mark placement: keep as written, old (hòa) or new (hoà)."
    )
    remove_residue: bool = Field(
        True, description="Keep page residue (comment forms, share buttons) out of translation."
    )
    repair_mojibake: bool = Field(
        True,
        description="Repair text mis-decoded once or twice before it reached vien (UTF-8 read "
        "as cp1252 or latin-1: 'Ã´ng' -> 'ông'); the document is flagged mojibake_repaired.",
    )
    restore_tones: Literal["auto", "off"] = Field(
        "auto",
        description="auto: sentences written without tone marks ('SO KET 02 NAM') get them "
        "back in the segment's vi_restored, which is translated; vi stays as written.",
    )
    tones_model: str = Field(
        "models/vien-tones-vi",
        description="Tone-restoration model folder (relative: to the working directory, "
        "then to the repository).",
    )


class SegmentSettings(Section):
    detect_headlines: bool = Field(True, description="Flag headline and byline segments.")


class GenerationSettings(Section):
    """How one seq2seq model is loaded and decoded; shared by translate and summarize."""

    model: str = Field(description="Local model folder or Hugging Face hub id.")
    family: Literal["auto", "marian", "nllb", "mbart", "m2m100", "t5", "bart"] = Field(
        "auto", description="Model family adapter; auto picks it from the model's config class."
    )
    backend: Literal["transformers", "ctranslate2"] = Field(
        "transformers", description="Inference engine."
    )
    device: str = Field("auto", description="auto, cpu, cuda or cuda:N.")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        "auto", description="Weights' dtype; auto is float32 on CPU, bfloat16/float16 on GPU."
    )
    compute_type: str = Field(
        "auto", description="CTranslate2 compute type; auto is int8 on CPU, int8_float16 on GPU."
    )
    src_lang: str | None = Field(None, description="Source language code; family default if unset.")
    tgt_lang: str | None = Field(None, description="Target language code; family default if unset.")
    prefix: str | None = Field(None, description="Text prefix for T5-style models (e.g. '<2en> ').")
    num_beams: int = Field(4, ge=1, description="Beam size.")
    max_new_tokens: int = Field(256, ge=1, description="Longest output, in tokens.")
    max_input_tokens: int | None = Field(
        None, ge=8, description="Longest input in tokens; the model's own limit if unset."
    )
    batch_tokens: int = Field(2048, ge=16, description="Token budget of one model batch.")
    no_repeat_ngram_size: int = Field(0, ge=0, description="Forbid repeating n-grams of this size.")
    length_penalty: float = Field(1.0, description="Beam length penalty.")
    threads: int = Field(0, ge=0, description="CPU threads; 0 lets the machine decide.")
    allow_pickle_weights: bool = Field(
        False,
        description="Load weights stored as a pickle (pytorch_model.bin) when the model has no "
        "safetensors file. Unpickling can run code hidden in the file: only for models you trust.",
    )
    ct2_cache: str | None = Field(
        None,
        # Where conversions live never changes results: kept out of the config hash.
        exclude=True,
        description="Folder for CTranslate2 conversions (backend ctranslate2); unset: "
        "$XDG_CACHE_HOME/vien/ct2, or ~/.cache/vien/ct2. Nothing is written beside the model.",
    )


class TranslateSettings(GenerationSettings):
    cache: bool = Field(True, description="Translate each distinct sentence once per run.")
    max_length_ratio: float | None = Field(
        3.0,
        gt=0,
        description="Stop an output at this many times its input's tokens (plus 10), so a "
        "decoder caught in a loop ends early; null: only max_new_tokens applies.",
    )
    retry_degenerate: bool = Field(
        True,
        description="Translate again, once, with safer decoding (no repeated trigrams, 4+ beams, "
        "length cap) segments whose output loops, is empty, copies the source or has an "
        "implausible length; what is still wrong is flagged.",
    )
    check_numbers: bool = Field(
        True,
        description="Flag number_mismatch when a number, date, amount or Latin-script name of "
        "the source is missing from the translation.",
    )
    currency: Literal["dong", "VND"] = Field(
        "dong",
        description="How đồng amounts must read in English for the number check: "
        "dong (8,500,000 dong) or VND (VND 8,500,000).",
    )
    protect: bool = Field(
        True,
        description="Protect numbers, dates, amounts, codes, URLs, names and glossary terms: "
        "the model sees placeholder tokens (models trained with them) or the English written "
        "in (others), and each span's English is put back exactly; see README 'Protected spans'.",
    )
    glossary: str | None = Field(
        None,
        description="TSV file of 'Vietnamese<TAB>English' terms (# comments) that must be "
        "translated so; its entries win over the bundled glossary of state and party terms.",
    )
    name_style: Literal["ascii", "keep"] = Field(
        "ascii",
        description="Vietnamese personal and place names in English: ascii (Nguyen Van Hoa) "
        "or keep (Nguyễn Văn Hòa).",
    )
    date_style: Literal["month_day", "day_month"] = Field(
        "month_day", description="Dates in English: month_day (March 6) or day_month (6 March)."
    )
    stitch_fallback: bool = Field(
        True,
        description="When the protected and the unprotected translation of a sentence both "
        "lose a span, translate the text between the spans and put the spans between (flag "
        "stitched); false keeps the unprotected output, flagged number_mismatch.",
    )


class SummaryModelSettings(GenerationSettings):
    min_new_tokens: int = Field(8, ge=0, description="Shortest summary, in tokens.")
    max_new_tokens: int = Field(128, ge=1, description="Longest summary, in tokens.")
    no_repeat_ngram_size: int = Field(3, ge=0, description="Forbid repeating n-grams of this size.")
    max_rounds: int = Field(
        3, ge=1, description="Rounds of summarizing chunk summaries for long documents."
    )
    read_tokens: int | None = Field(
        None,
        ge=8,
        description="Read only the article's opening: its first sentences within this many "
        "tokens (at least one sentence), as models trained on openings expect (the bundled "
        "one: 192); null reads the whole article, summarizing chunk summaries in rounds.",
    )
    copy_bias: float = Field(
        0.0,
        ge=0,
        description="Added at each decoding step to the log-probability of every token of the "
        "input, and again to a token continuing a span of it, so the summary copies the "
        "article's words and names rather than inventing them; 0 is off. Backend transformers "
        "only.",
    )

    @model_validator(mode="after")
    def _copy_bias_needs_transformers(self) -> SummaryModelSettings:
        # CTranslate2 decodes in C++ with no per-step hook on the scores.
        if self.copy_bias and self.backend != "transformers":
            raise ValueError(
                "copy_bias needs backend: transformers (CTranslate2 has no hook to bias "
                "tokens while decoding); set backend: transformers or copy_bias: 0"
            )
        return self


class EnglishSummarySettings(Section):
    mode: Literal["translate", "model", "off"] = Field(
        "translate",
        description="translate: translate the Vietnamese summary; model: run an English "
        "summarizer on the translation; off: no English summary.",
    )
    model: SummaryModelSettings | None = Field(None, description="English summarizer (mode model).")


class SummarizeSettings(Section):
    """The summarize section; ``method`` names a strategy, whose own schema reads the rest.

    Validating this class validates the method's schema instead
    (``LeadSummarizeSettings`` or ``ModelSummarizeSettings``), so each method
    has its own keys and an error names the key as written in the file.
    """

    method: str = Field(
        "lead",
        description="lead: the document's first sentences and their translations (the "
        "extractive baseline, the default until an abstractive model beats it); model: "
        "abstractive summaries from the vi (and en) models.",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _method_schema(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if cls is SummarizeSettings and isinstance(data, dict):
            from pipeline import registry

            method = data.get("method", cls.model_fields["method"].default)
            if not (isinstance(method, str) and method in registry.SUMMARIZERS):
                return handler({"method": method})
            schema = registry.get_summarizer(method).Settings
            hint = _method_hint(set(data) - set(schema.model_fields), method)
            if "method" not in data and hint:
                raise ValueError(hint)
            return schema.model_validate(data)
        return handler(data)

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        from pipeline import registry

        if value not in registry.SUMMARIZERS:
            valid = ", ".join(sorted(registry.SUMMARIZERS))
            raise ValueError(f"unknown summarize method {value!r}; valid: {valid}")
        return value


def _method_hint(keys: set[str], default: str) -> str | None:
    """The method that ``keys`` (unknown to the ``default`` method) belong to, as advice."""
    from pipeline import registry

    owners = [
        name
        for name in registry.SUMMARIZERS
        if keys and keys <= set(registry.get_summarizer(name).Settings.model_fields)
    ]
    if not owners:
        return None
    listed = ", ".join(sorted(keys))
    return f"{listed}: keys of method {owners[0]}; add method: {owners[0]} (default: {default})"


class LeadEnglishSettings(Section):
    """The lead method's English summary: the same switch as the model method's ``en.mode``."""

    mode: Literal["translate", "off"] = Field(
        "translate",
        description="translate: the lead sentences' translations (translate must run before "
        "summarize); off: no English summary, so a pipeline may summarize without translating.",
    )


class LeadSummarizeSettings(SummarizeSettings):
    method: Literal["lead"] = Field("lead", description="The first sentences of the body.")
    lead_sentences: int = Field(
        3, ge=1, description="Sentences a lead summary takes (headline and byline skipped)."
    )
    en: LeadEnglishSettings = Field(
        default_factory=LeadEnglishSettings, description="Whether to give an English summary."
    )


class ModelSummarizeSettings(SummarizeSettings):
    method: Literal["model"] = Field(
        "model", description="Abstractive summaries from the models below."
    )
    vi: SummaryModelSettings | None = Field(None, description="Vietnamese summarizer.")
    en: EnglishSummarySettings = Field(
        default_factory=EnglishSummarySettings, description="How the English summary is made."
    )
    guard: bool = Field(
        True,
        description="Replace a summary that states a number or name the article does not, "
        "repeats itself, is empty or is longer than the article by the lead summary, and "
        "flag the document summary_fallback.",
    )
    lead_sentences: int = Field(
        3, ge=1, description="Sentences of the lead summary a guarded-out document falls back to."
    )
