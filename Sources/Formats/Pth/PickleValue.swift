/// A value produced by the pickle machine: only the kinds a PyTorch state_dict is made of.
/// Lists and dicts are classes because pickle mutates them after they were memoised.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int` (LONG1/LONG4), as little-endian two's complement bytes.
    case largeInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function named by GLOBAL / STACK_GLOBAL, not yet called.
    case global(module: String, name: String)
    /// A storage named by a persistent id: `('storage', type, key, location, numel, ...)`.
    case storage(PickledStorage)
    /// A tensor view of a storage, rebuilt by `torch._utils._rebuild_tensor_v2`.
    case tensor(PickledTensor)
    /// Any other object; kept opaque because a state_dict reader never looks inside.
    case object(module: String, name: String)

    /// A short name for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .largeInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let m, let n): return "\(m).\(n)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        case .object(let m, let n): return "\(m).\(n) object"
        }
    }
}

// FIXME: a pickle that makes a list or dict contain itself (only a corrupt or crafted file
// does) leaves a reference cycle, leaking those few objects; cycles are not broken after use.

/// A mutable pickled list.
final class PickleList {
    var items: [PickleValue] = []
}

/// A mutable pickled dict, keeping insertion order as Python does.
final class PickleDict {
    var entries: [(key: PickleValue, value: PickleValue)] = []
}

/// What a persistent id says about one storage.
struct PickledStorage {
    var key: String
    var dtype: StoredDType
    var count: Int
    /// Legacy files may name a view of a larger storage: (root key, element offset).
    var root: (key: String, offset: Int)?
}

/// Where a tensor's elements live in its storage.
struct PickledTensor {
    var storage: PickledStorage
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}
