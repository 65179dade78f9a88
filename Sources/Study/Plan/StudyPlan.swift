import Foundation
import GAN

/// What a study trains and how it scores: variants × seeds, each an independent run of
/// the same base configuration.
public struct StudyPlan: Codable, Sendable, Equatable {
    public var preset: String
    public var variants: [String]
    public var seeds: [UInt64]
    /// Settings shared by every run (its `variant` and `seed` are replaced per run).
    public var base: TrainingConfig
    public var evaluation: EvaluationPlan

    /// The run configuration and directory name of every (variant, seed) pair.
    public var runs: [(config: TrainingConfig, directory: String)] {
        variants.flatMap { variant in
            seeds.map { seed in
                var c = base
                c.variant = variant
                c.seed = seed
                return (c, "runs/\(variant)-seed\(seed)")
            }
        }
    }
}

/// How generators are scored.
public struct EvaluationPlan: Codable, Sendable, Equatable {
    /// Feature extractor name ("fmnist-cnn").
    public var features: String = "fmnist-cnn"
    /// Generated images for the cheap per-epoch FID.
    public var epochSamples: Int = 2000
    /// Generated images for the full metrics of the final and best epochs.
    public var finalSamples: Int = 10000
    /// Reference images (from the test split).
    public var referenceSamples: Int = 10000
    /// Images per side for precision/recall/density/coverage (quadratic cost).
    public var manifoldSamples: Int = 5000

    public init() {}
}

/// The named study presets.
public enum StudyPreset: String, CaseIterable, Sendable {
    case quick, reference, full

    /// What each preset means, for `--help` and the report.
    public var summary: String {
        switch self {
        case .quick: return "the four described variants at 28x28, small and short: about 3–6 minutes on 2 cores"
        case .reference: return "what the reference code ran: four reference-* variants, 64x64, ngf=ndf=32, first 5,000 images, 20 epochs"
        case .full: return "what the study describes: four variants, all 60,000 images, 64x64, 50 epochs, 3 seeds"
        }
    }

    /// The plan of this preset (before command-line overrides).
    public var plan: StudyPlan {
        var base = TrainingConfig()
        var evaluation = EvaluationPlan()
        var seeds: [UInt64] = [1]
        var variants = Variant.described.map(\.name)
        switch self {
        case .quick:
            base.imageSize = 28
            base.subset = 4000
            base.subsetMode = .stratified
            base.epochs = 3
            seeds = [1, 2]
            evaluation.epochSamples = 1000
            evaluation.finalSamples = 5000
            evaluation.manifoldSamples = 2000
        case .reference:
            base.imageSize = 64
            base.subset = 5000
            base.subsetMode = .first
            base.epochs = 20
            variants = Variant.referenceCode.map(\.name)
        case .full:
            base.imageSize = 64
            base.subset = nil
            base.epochs = 50
            seeds = [1, 2, 3]
        }
        base.keepCheckpoints = 2
        return StudyPlan(preset: rawValue, variants: variants, seeds: seeds, base: base, evaluation: evaluation)
    }
}
