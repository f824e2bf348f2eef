"""The micropayment tab: small orders join a tab that one card charge settles."""
