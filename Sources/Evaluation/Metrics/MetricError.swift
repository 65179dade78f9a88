/// Why a metric could not be computed from the features it was given.
public enum MetricError: Error, Equatable, CustomStringConvertible {
    /// Two feature sets (or caches) of different widths were compared.
    case dimensionMismatch(expected: Int, found: Int, what: String)
    /// A metric needs more samples than it was given.
    case tooFewSamples(needed: Int, found: Int, what: String)
    /// LAPACK reported a failure (`info` as the routine returned it).
    case linearAlgebraFailure(routine: String, info: Int)

    /// What went wrong and what to do, for the command line to print.
    public var description: String {
        switch self {
        case .dimensionMismatch(let expected, let found, let what):
            return "\(what): features are \(found)-dimensional, expected \(expected). "
                + "Compare features from the same extractor"
        case .tooFewSamples(let needed, let found, let what):
            return "\(what) needs at least \(needed) samples, got \(found). Use more samples"
        case .linearAlgebraFailure(let routine, let info):
            return "\(routine) failed (info \(info)); the features may contain NaN or infinity"
        }
    }
}
