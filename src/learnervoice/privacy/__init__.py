"""What may leave a study: one matcher of personal data, used on the way in and on the way out.

`matcher` finds roster names (any spelling, one-edit misspellings, handles), e-mail
addresses, phone numbers and URLs; `gate` runs it over every output; `review`
lists capitalised words that look like names nobody put in the roster.
"""
