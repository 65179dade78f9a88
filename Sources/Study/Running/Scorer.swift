import Datasets
import Evaluation
import Foundation
import Formats
import GAN
import Tensor

/// Scores generators against a reference set of real images: the cheap per-epoch FID and
/// the full metrics. Reference features are computed once and cached on disk, keyed by
/// extractor, split, image side and sample count.
public final class Scorer {
    public let extractor: FeatureExtractor
    let classifier: ClassProbabilityModel
    let plan: EvaluationPlan
    let side: Int
    let reference: FeatureStatistics
    /// Reference features for KID, precision/recall and coverage (the first
    /// `max(manifoldSamples, kid subset)` rows).
    let referenceFeatures: [Float]

    public init(extractor: FeatureExtractor, classifier: ClassProbabilityModel, plan: EvaluationPlan,
                referenceImages: TrainingImages, cacheDirectory: URL) throws {
        self.extractor = extractor
        self.classifier = classifier
        self.plan = plan
        side = referenceImages.side
        let count = min(plan.referenceSamples, referenceImages.count)
        let cache = cacheDirectory.appendingPathComponent("\(extractor.name)-test-\(side)px-\(count).safetensors")
        if let cached = try? SafeTensors.read(cache).tensors, let f = cached["features"],
           f.shape == [count, extractor.dimension] {
            referenceFeatures = f.floats()
        } else {
            let images = Tensor(uninitialized: [count, 1, side, side])
            referenceImages.copyBatch(0..<count, into: images.data)
            referenceFeatures = extractor.features(images: images.values, count: count, side: side)
            try SafeTensors.write(["features": StoredTensor(shape: [count, extractor.dimension], floats: referenceFeatures)],
                                  metadata: ["extractor": extractor.name, "split": "test", "side": String(side)], to: cache)
        }
        reference = try FeatureStatistics(features: referenceFeatures, dimension: extractor.dimension)
    }

    /// Reference images scored against.
    public var referenceCount: Int { reference.count }

    /// FID of `samples` generated images (seeded by run seed and epoch, so reruns agree).
    public func fid(_ generator: Generator, samples: Int, seed: UInt64, epoch: Int) throws -> Double {
        let features = generatedFeatures(generator, samples: samples, seed: seed, epoch: epoch).features
        return try frechetDistance(FeatureStatistics(features: features, dimension: extractor.dimension), reference)
    }

    /// The metric families `fullMetrics` can compute.
    public enum Family: String, CaseIterable, Sendable {
        case fid, kid
        /// Precision, recall, density and coverage.
        case manifold
        /// Class distribution, entropy, classes covered, classifier Inception Score.
        case classes
    }

    /// The metrics of one generator; families left out are NaN (and empty class counts).
    public func fullMetrics(_ generator: Generator, seed: UInt64, epoch: Int,
                            families: Set<Family> = Set(Family.allCases)) throws -> MetricSet {
        let n = plan.finalSamples
        let (images, features) = generatedFeatures(generator, samples: n, seed: seed, epoch: epoch)
        let d = extractor.dimension
        var m = MetricSet(
            epoch: epoch, features: extractor.name, samples: n, referenceSamples: referenceCount, fid: .nan,
            kid: .nan, kidStd: .nan, precision: .nan, recall: .nan, density: .nan, coverage: .nan,
            classCounts: [], classEntropy: .nan, klFromUniform: .nan, classesCovered: 0, inceptionScore: .nan)
        if families.contains(.fid) {
            m.fid = try frechetDistance(FeatureStatistics(features: features, dimension: d), reference)
        }
        if families.contains(.kid) {
            let kid = try KernelInceptionDistance(real: referenceFeatures, generated: features, dimension: d,
                                                  subsets: 50, subsetSize: min(1000, n, referenceCount), seed: seed)
            (m.kid, m.kidStd) = (kid.mean, kid.standardDeviation)
        }
        if families.contains(.manifold) {
            let k = min(plan.manifoldSamples, n, referenceCount)
            let manifold = try ManifoldMetrics(real: Array(referenceFeatures.prefix(k * d)),
                                               generated: Array(features.prefix(k * d)), dimension: d)
            (m.precision, m.recall) = (manifold.precision, manifold.recall)
            (m.density, m.coverage) = (manifold.density, manifold.coverage)
        }
        if families.contains(.classes) {
            let probabilities = classifier.probabilities(images: images, count: n, side: generator.spec.imageSize)
            let coverage = ClassCoverage(probabilities: probabilities, classes: 10)
            (m.classCounts, m.classEntropy, m.klFromUniform) = (coverage.counts, coverage.entropy, coverage.klFromUniform)
            (m.classesCovered, m.inceptionScore) = (coverage.classesCovered, coverage.inceptionScore ?? .nan)
        }
        return m
    }

    private func generatedFeatures(_ generator: Generator, samples: Int, seed: UInt64, epoch: Int) -> (images: [Float], features: [Float]) {
        var stream = RandomStream(seed: seed, purpose: "evaluation-noise-\(epoch)")
        let noise = Sampler.noise(count: samples, nz: generator.spec.nz, stream: &stream)
        let images = Sampler.generate(generator, noise: noise).values
        return (images, extractor.features(images: images, count: samples, side: generator.spec.imageSize))
    }
}
