"""Evidence for auditors: self-contained bundles, their verification, and proof images of a finding."""
