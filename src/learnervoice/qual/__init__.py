"""The qualitative half: participants, focus-group transcripts, pseudonyms, codebook, codings, agreement."""
