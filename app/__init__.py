"""The Data Sharing Register: what a public body does with personal data, as data."""
