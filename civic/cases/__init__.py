"""Cases: each integrity platform's project as a structured, validated, published record."""
