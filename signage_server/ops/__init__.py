"""Operations of an installation as a whole (backup and restore): plain Python, no Flask."""
