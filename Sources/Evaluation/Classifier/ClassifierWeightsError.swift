/// A weight file that cannot be read, or does not fit the Fashion-MNIST classifier.
public enum ClassifierWeightsError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read or is not a valid safetensors file.
    case unreadable(path: String, reason: String)
    /// A tensor the network needs is absent.
    case missingKey(String, path: String)
    /// A tensor the network does not have (another model's file).
    case unexpectedKey(String, path: String)
    /// A tensor has another shape than the network's.
    case shapeMismatch(String, expected: [Int], found: [Int], path: String)
    /// The weights that ship with the package are not in its resource bundle.
    case bundledWeightsMissing

    public var description: String {
        let hint = "Pass weights written by 'dcgan-lab classifier train'"
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot load classifier weights: \(reason)"
        case .missingKey(let key, let path):
            return "\(path): missing tensor '\(key)'; this is not a fmnist-cnn state dict. \(hint)"
        case .unexpectedKey(let key, let path):
            return "\(path): unexpected tensor '\(key)'; this is not a fmnist-cnn state dict. "
                + hint
        case .shapeMismatch(let key, let expected, let found, let path):
            return "\(path): tensor '\(key)' has shape \(found), the network needs \(expected). "
                + hint
        case .bundledWeightsMissing:
            return "the bundled classifier weights (Resources/fmnist-cnn.safetensors) are "
                + "missing from the Evaluation resource bundle; rebuild the package, or pass "
                + "--weights FILE"
        }
    }
}
