"""Operations: index, health probes, metrics, Swagger UI assets, media files."""
