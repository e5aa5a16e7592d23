"""Supplier integrity pledges: versioned texts, signed pledges with verifiable receipts."""
