// Tests compare numbers with the same rule the parity checks use.
@_exported import Parity
