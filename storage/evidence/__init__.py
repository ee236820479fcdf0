"""The evidence store: content-addressed files, run manifests chained per service, verification, retention."""
