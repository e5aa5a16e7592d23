"""The consultation desk: agency staff ask the integrity authority a private question before a risky
decision; with both sides' consent an anonymised version of the answer is published as guidance."""
