"""Writers: per-document JSON as documents finish, corpus files at the end of a run."""
