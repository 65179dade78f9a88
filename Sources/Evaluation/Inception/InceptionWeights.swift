import Formats
import Foundation
import NeuralNet
import Tensor

/// A weight file or state dict that does not fit the FID Inception network.
public enum InceptionWeightsError: Error, CustomStringConvertible, Equatable {
    /// A tensor the network needs is absent.
    case missingKey(String, source: String)
    /// A tensor has another number of elements than the network's.
    case shapeMismatch(String, expected: [Int], found: [Int], source: String)
    /// A tensor the network does not have (another model's file?).
    case unexpectedKey(String, source: String)
    /// The file's extension names no format this build reads.
    case unsupportedFormat(path: String)

    public var description: String {
        switch self {
        case .missingKey(let key, let source):
            return "\(source): missing tensor '\(key)'. Use the FID Inception weights "
                + "(pt_inception-2015-12-05-6726825d.pth or its safetensors copy)"
        case .shapeMismatch(let key, let expected, let found, let source):
            return "\(source): tensor '\(key)' has shape \(found), the network needs \(expected)"
        case .unexpectedKey(let key, let source):
            return "\(source): unexpected tensor '\(key)'; this is not an FID Inception state dict"
        case .unsupportedFormat(let path):
            return "\(path): unsupported weight format. Give the .pth file "
                + "(pt_inception-2015-12-05-6726825d.pth) or a .safetensors copy"
        }
    }
}

/// Loading the FID Inception network's weights by their PyTorch names.
public enum InceptionWeights {
    /// Reads weights from a file and returns the network ready for inference: `.pth`/`.pt`
    /// (the official `pt_inception-2015-12-05-6726825d.pth` is a legacy pickle stream) or
    /// `.safetensors`; other extensions give `unsupportedFormat`.
    public static func load(_ url: URL) throws -> InceptionV3 {
        switch url.pathExtension.lowercased() {
        case "safetensors":
            return try load(stateDict: SafeTensors.read(url).tensors, source: url.path)
        case "pth", "pt":
            return try load(stateDict: PyTorchCheckpoint.read(url), source: url.path)
        default:
            throw InceptionWeightsError.unsupportedFormat(path: url.path)
        }
    }

    /// The seam for every weight format: a state dict keyed like the `.pth` file.
    /// `fc.*` and `*.num_batches_tracked` are accepted and ignored (pool3 does not use
    /// them); any other unknown key, a missing key or a wrong shape is an error naming it.
    public static func load(
        stateDict: [String: StoredTensor], source: String = "state dict"
    ) throws -> InceptionV3 {
        let network = InceptionV3()
        var targets: [String: Tensor] = [:]
        for (name, entry) in network.namedState() {
            switch entry {
            case .parameter(let p): targets[name] = p.value
            case .buffer(let t): targets[name] = t
            case .counter: continue
            }
        }

        for key in stateDict.keys.sorted() where targets[key] == nil {
            let ignored = key.hasPrefix("fc.") || key.hasSuffix(".num_batches_tracked")
            if !ignored { throw InceptionWeightsError.unexpectedKey(key, source: source) }
        }
        for key in targets.keys.sorted() {
            guard let stored = stateDict[key] else {
                throw InceptionWeightsError.missingKey(key, source: source)
            }
            let target = targets[key]!
            guard stored.shape == target.shape else {
                throw InceptionWeightsError.shapeMismatch(
                    key, expected: target.shape, found: stored.shape, source: source)
            }
        }
        for (key, target) in targets {
            target.assign(Tensor(shape: target.shape, values: stateDict[key]!.floats()))
        }

        network.prepareInference()
        return network
    }
}
