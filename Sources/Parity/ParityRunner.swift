import Foundation
import Formats

/// The outcome of checking one reference case.
public struct ParityResult {
    public enum Status: String { case passed, failed, skipped }
    public let name: String
    public let op: String
    public let status: Status
    /// What failed (worst element, expected, observed, tolerance) or why it was skipped.
    public let detail: String
}

/// Runs reference cases against the engine. Each op has a checker that returns a list of
/// mismatch messages (empty when the case passes).
public enum ParityRunner {
    typealias Checker = (ReferenceCase) throws -> [String]

    /// Ops this build can check, with their checkers.
    static let checkers: [String: Checker] = OperatorChecks.all
        .merging(OptimizerChecks.all) { a, _ in a }
        .merging(TrainingChecks.all) { a, _ in a }
        .merging(ImageChecks.all) { a, _ in a }

    /// The ops that have a checker.
    public static var knownOps: [String] { checkers.keys.sorted() }

    /// Checks one case; unknown ops are skipped, never silently passed.
    public static func run(_ referenceCase: ReferenceCase) -> ParityResult {
        guard let check = checkers[referenceCase.op] else {
            return ParityResult(name: referenceCase.name, op: referenceCase.op, status: .skipped,
                                detail: "no checker for op '\(referenceCase.op)'")
        }
        do {
            let problems = try check(referenceCase)
            return ParityResult(
                name: referenceCase.name, op: referenceCase.op,
                status: problems.isEmpty ? .passed : .failed, detail: problems.joined(separator: "; "))
        } catch {
            return ParityResult(name: referenceCase.name, op: referenceCase.op, status: .failed, detail: "\(error)")
        }
    }
}

extension ReferenceCase {
    /// Compares observed values with the stored tensor `short` under this case's tolerance.
    func compare(_ short: String, _ observed: [Float], abs: Double? = nil, rel: Double? = nil) throws -> String? {
        let expected = try tensor(short).floats()
        return mismatch(
            short, expected: expected, observed: observed,
            abs: abs ?? tolerance["abs"] ?? 1e-5, rel: rel ?? tolerance["rel"] ?? 0)
    }
}
