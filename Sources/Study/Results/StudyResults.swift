import Foundation
import GAN

/// Everything a study measured, written as `results.json` and read back by the report.
/// Reports are made from this file and the run directories alone.
public struct StudyResults: Codable, Sendable {
    public var plan: StudyPlan
    public var runs: [RunResult]
    public var variants: [VariantSummary]
    /// The variant with the lowest mean final FID (never chosen by loss).
    public var bestVariant: String?
    public var environment: EnvironmentRecord
}

/// One trained run (one variant, one seed) and its scores.
public struct RunResult: Codable, Sendable {
    public var variant: String
    public var seed: UInt64
    /// Run directory, relative to the study directory.
    public var directory: String
    public var status: RunStatus.State
    /// Why a diverged run stopped.
    public var message: String
    public var epochsCompleted: Int
    public var iterations: Int
    public var trainingSeconds: Double
    /// Cheap FID after every epoch (FMNIST-CNN features, few samples).
    public var epochScores: [EpochScore]
    /// Full metrics of the last epoch and of the epoch with the lowest cheap FID.
    public var final: MetricSet?
    public var best: MetricSet?
    public var curves: CurveAnalysis
}

/// The cheap per-epoch score.
public struct EpochScore: Codable, Sendable, Equatable {
    public var epoch: Int
    public var fid: Double
    /// Generated images scored (against the reference set's statistics).
    public var samples: Int
}

/// The full set of metrics for one generator (one epoch of one run).
public struct MetricSet: Codable, Sendable {
    public var epoch: Int
    /// Feature extractor, e.g. "fmnist-cnn"; its FID is reported as "FID (FMNIST-CNN)".
    public var features: String
    /// Generated images; the reference side size is in `referenceSamples`.
    public var samples: Int
    public var referenceSamples: Int
    public var fid: Double
    public var kid: Double
    public var kidStd: Double
    public var precision: Double
    public var recall: Double
    public var density: Double
    public var coverage: Double
    /// Samples per predicted class (10 classes).
    public var classCounts: [Int]
    public var classEntropy: Double
    public var klFromUniform: Double
    /// Classes holding at least 1% of the samples.
    public var classesCovered: Int
    public var inceptionScore: Double
}

/// What the loss curves of one run did, detected from the logged values.
public struct CurveAnalysis: Codable, Sendable {
    /// Spans where D wins (D(x) near 1 and D(G(z)) near 0 for a sustained stretch).
    public var dominance: [CurvePeriod]
    /// Sudden spikes of a loss far outside its recent range.
    public var collapses: [CollapseEvent]
    /// Spread of the smoothed G loss over the last 20% relative to its mean (coefficient of
    /// variation): how much training still oscillates at the end.
    public var finalOscillation: Double
    /// First epoch after which the smoothed losses stay within a band; nil if never.
    public var settleEpoch: Int?
    /// Mean smoothed losses over the last 20% of iterations.
    public var finalLossD: Double
    public var finalLossG: Double
    /// A sentence per phase, written from the values above.
    public var narrative: [String]
}

/// A stretch of epochs with a description.
public struct CurvePeriod: Codable, Sendable {
    public var startEpoch: Int
    public var endEpoch: Int
    public var description: String
}

/// A loss spike: where, and the values around it.
public struct CollapseEvent: Codable, Sendable {
    public var iteration: Int
    public var epoch: Int
    public var lossD: Double
    public var lossG: Double
    public var description: String
}

/// One variant across its seeds, and how it compares with the baseline.
public struct VariantSummary: Codable, Sendable {
    public var variant: String
    public var summary: String
    public var seeds: Int
    public var completedRuns: Int
    public var divergedRuns: Int
    public var fid: Estimate
    public var kid: Estimate
    public var precision: Estimate
    public var recall: Estimate
    public var density: Estimate
    public var coverage: Estimate
    public var classesCovered: Estimate
    /// Sample sizes behind `fid` (generated, reference) and its feature extractor.
    public var fidSamples: Int
    public var fidReferenceSamples: Int
    public var features: String
    /// A quality grade derived from the metrics, with the reason.
    public var grade: String
    public var gradeReason: String
    /// Loss-curve behaviour across seeds, in words.
    public var curveSummary: [String]
    /// Nil for the baseline itself.
    public var comparison: BaselineComparison?
}

/// Mean, standard deviation and 95% Student-t interval over seeds (nil bounds for one seed).
public struct Estimate: Codable, Sendable {
    public var mean: Double?
    public var std: Double?
    public var lower: Double?
    public var upper: Double?
    public var values: [Double]
}

/// A variant against the baseline: the reference study's loss analysis done right, plus
/// the differences in FID and KID that decide quality.
public struct BaselineComparison: Codable, Sendable {
    public var baseline: String
    /// Change of the smoothed final losses, in percent of the baseline's.
    public var lossDChangePercent: Double
    public var lossGChangePercent: Double
    /// Welch's t-test and Cohen's d on G's loss over the last 20% of iterations (first seed
    /// pairs pooled over seeds).
    public var welchT: Double
    public var welchP: Double
    public var cohensD: Double
    /// Share of iterations where the variant's smoothed G loss is below the baseline's.
    public var shareLowerLossG: Double
    /// FID and KID differences (variant − baseline), with 95% intervals over seeds and
    /// Welch p-values (nil when either side has fewer than 2 seeds).
    public var fidDifference: Estimate
    public var fidP: Double?
    public var kidDifference: Estimate
    public var kidP: Double?
    /// A plain statement of what the evidence does and does not show.
    public var statement: String
}

/// Where and how the study ran, so a reader can rerun it.
public struct EnvironmentRecord: Codable, Sendable {
    public var tool: String
    public var swiftVersion: String
    public var machine: String
    public var cores: Int
    public var threads: Int
    /// How the convolutions were computed (`winograd` or `unfold`); absent in studies from
    /// before it was recorded.
    public var convolutions: String?
    public var started: String
    public var wallSeconds: Double
    public var command: String
}
