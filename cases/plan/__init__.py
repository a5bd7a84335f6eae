"""Gemensam skyddsplan (issue 6): joint protection plan versions, agreement and PDF."""
