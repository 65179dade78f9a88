import Formats
import Tensor

/// A state entry that could not be loaded: missing, unexpected or of the wrong shape.
public struct StateDictError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Module {
    /// The state as stored tensors: float32 parameters and buffers, int64 counters.
    public func stateDict(prefix: String = "") -> [String: StoredTensor] {
        var result: [String: StoredTensor] = [:]
        for (name, entry) in namedState(prefix: prefix) {
            switch entry {
            case .parameter(let p): result[name] = StoredTensor(shape: p.value.shape, floats: p.value.values)
            case .buffer(let t): result[name] = StoredTensor(shape: t.shape, floats: t.values)
            case .counter(let c): result[name] = StoredTensor(shape: [], int64s: [Int64(c.value)])
            }
        }
        return result
    }

    /// Loads every entry from `state` (strict: all keys present with matching shapes).
    /// Errors name the key and what is wrong; on error nothing is changed.
    public func loadStateDict(_ state: [String: StoredTensor], prefix: String = "") throws {
        let entries = namedState(prefix: prefix)
        for (name, entry) in entries {
            guard let stored = state[name] else {
                throw StateDictError("missing key '\(name)'")
            }
            let expected: [Int]
            switch entry {
            case .parameter(let p): expected = p.value.shape
            case .buffer(let t): expected = t.shape
            case .counter: expected = []
            }
            guard stored.count == expected.reduce(1, *) else {
                throw StateDictError("'\(name)' has shape \(stored.shape), the model needs \(expected)")
            }
        }
        for (name, entry) in entries {
            let stored = state[name]!
            switch entry {
            case .parameter(let p): p.value.assign(Tensor(shape: p.value.shape, values: stored.floats()))
            case .buffer(let t): t.assign(Tensor(shape: t.shape, values: stored.floats()))
            case .counter(let c): c.value = Int(stored.doubles()[0])
            }
        }
    }
}
