import Datasets
import Foundation
import NeuralNet
import Tensor

/// Everything that defines one training run. Saved as the run's `config.json`; the same
/// file given back with `--config` reproduces the run.
public struct TrainingConfig: Codable, Equatable, Sendable {
    public var variant: String = "baseline"
    public var epochs: Int = 5
    public var batchSize: Int = 64
    public var learningRate: Double = 0.0002
    public var beta1: Double = 0.5
    public var beta2: Double = 0.999
    public var seed: UInt64 = 1
    public var imageSize: Int = 64
    public var nz: Int = 100
    public var ngf: Int = 32
    public var ndf: Int = 32
    /// Training images used: all when nil, else the first N (or N stratified by class).
    public var subset: Int?
    public var subsetMode: SubsetMode = .first
    public var split: String = "train"
    /// Drop the last partial batch (PyTorch's DataLoader keeps it by default).
    public var dropLast: Bool = false
    /// Keep only the newest K epoch checkpoints (0 keeps all).
    public var keepCheckpoints: Int = 0
    /// Whether a variant's weight decay also applies to batch-norm scales and shifts (PyTorch's
    /// Adam `weight_decay` does, and so did the reference study).
    public var batchNormWeightDecay: Bool = true
    /// The arithmetic of the training step's matrix products: float32, or operands rounded to
    /// bfloat16 (sums, weights and everything else stay float32; sampling and scoring are
    /// always float32).
    public var precision: Precision = .float32

    public enum SubsetMode: String, Codable, Sendable { case first, stratified }

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case variant, epochs, seed, split
        case batchSize = "batch_size", learningRate = "learning_rate", beta1, beta2
        case imageSize = "image_size", nz, ngf, ndf, subset
        case subsetMode = "subset_mode", dropLast = "drop_last", keepCheckpoints = "keep_checkpoints"
        case batchNormWeightDecay = "batchnorm_weight_decay"
        case precision
    }

    /// The preset this run trains.
    public var variantPreset: Variant { Variant.named(variant)! }

    /// The two networks' architecture and regularisation.
    public var modelSpec: ModelSpec {
        let v = variantPreset
        return ModelSpec(imageSize: imageSize, nz: nz, ngf: ngf, ndf: ndf,
                         generator: v.generator, discriminator: v.discriminator,
                         initialization: v.initialization)
    }

    /// The images this run trains on; a stratified draw uses `seed`, so runs that must
    /// see the same images (the seeds of one study) can share it.
    public func subsetSelection(seed: UInt64) -> SubsetSelection {
        guard let n = subset else { return .all }
        return subsetMode == .first ? .first(n) : .stratified(n, seed: seed)
    }

    /// Checks every field; the error names the field, the value and what is allowed.
    public func validate() throws {
        func fail(_ field: String, _ value: Any, _ allowed: String) -> ConfigError {
            ConfigError("'\(field)' is \(value); \(allowed)")
        }
        guard Variant.named(variant) != nil else {
            throw fail("variant", variant, "choose one of \(Variant.all.map(\.name).joined(separator: ", "))")
        }
        guard epochs >= 1 else { throw fail("epochs", epochs, "it must be at least 1") }
        guard batchSize >= 2 else { throw fail("batch_size", batchSize, "it must be at least 2 (batch norm needs two images)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learning_rate", learningRate, "it must be positive") }
        guard (0..<1).contains(beta1), (0..<1).contains(beta2) else {
            throw fail("beta1/beta2", "\(beta1)/\(beta2)", "each must be in [0, 1)")
        }
        guard [28, 64].contains(imageSize) else { throw fail("image_size", imageSize, "it must be 28 or 64") }
        guard nz >= 1, ngf >= 1, ndf >= 1 else { throw fail("nz/ngf/ndf", "\(nz)/\(ngf)/\(ndf)", "each must be at least 1") }
        if let subset, subset < batchSize && dropLast || subset < 2 {
            throw fail("subset", subset, "it must hold at least one batch (and 2 images)")
        }
        guard ["train", "test"].contains(split) else { throw fail("split", split, "it must be train or test") }
        guard keepCheckpoints >= 0 else { throw fail("keep_checkpoints", keepCheckpoints, "it must be 0 (keep all) or more") }
    }

    /// Reads a config file, rejecting unknown keys and wrong types by name.
    public static func load(_ url: URL) throws -> TrainingConfig {
        guard let data = try? Data(contentsOf: url) else {
            throw ConfigError("\(url.path): cannot be read; check the path")
        }
        return try decode(data, label: url.path)
    }

    /// Decodes JSON config text; `label` names the source in errors.
    public static func decode(_ data: Data, label: String) throws -> TrainingConfig {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigError("\(label): not a JSON object")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigError("\(label): unknown key '\(unknown)'; known keys: \(known.sorted().joined(separator: ", "))")
        }
        do {
            let config = try JSONDecoder().decode(TrainingConfig.self, from: data)
            try config.validate()
            return config
        } catch let error as ConfigError {
            throw ConfigError("\(label): \(error.description)")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError("\(label): '\(field)' has the wrong type (\(context.debugDescription))")
        } catch DecodingError.dataCorrupted(let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError("\(label): '\(field)' is invalid (\(context.debugDescription))")
        }
    }

    /// Pretty JSON with sorted keys.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try! encoder.encode(self)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = TrainingConfig()
        variant = try c.decodeIfPresent(String.self, forKey: .variant) ?? d.variant
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        beta1 = try c.decodeIfPresent(Double.self, forKey: .beta1) ?? d.beta1
        beta2 = try c.decodeIfPresent(Double.self, forKey: .beta2) ?? d.beta2
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? d.imageSize
        nz = try c.decodeIfPresent(Int.self, forKey: .nz) ?? d.nz
        ngf = try c.decodeIfPresent(Int.self, forKey: .ngf) ?? d.ngf
        ndf = try c.decodeIfPresent(Int.self, forKey: .ndf) ?? d.ndf
        subset = try c.decodeIfPresent(Int.self, forKey: .subset)
        subsetMode = try c.decodeIfPresent(SubsetMode.self, forKey: .subsetMode) ?? d.subsetMode
        split = try c.decodeIfPresent(String.self, forKey: .split) ?? d.split
        dropLast = try c.decodeIfPresent(Bool.self, forKey: .dropLast) ?? d.dropLast
        keepCheckpoints = try c.decodeIfPresent(Int.self, forKey: .keepCheckpoints) ?? d.keepCheckpoints
        batchNormWeightDecay = try c.decodeIfPresent(Bool.self, forKey: .batchNormWeightDecay)
            ?? d.batchNormWeightDecay
        precision = try c.decodeIfPresent(Precision.self, forKey: .precision) ?? d.precision
    }
}

/// A configuration value that is missing, unknown or out of range.
public struct ConfigError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
