/// The few `torch` and `collections` callables a state_dict pickle invokes, interpreted
/// rather than executed.
enum TorchGlobals {
    /// Element types of PyTorch's typed storage classes (`torch.FloatStorage`, ...).
    static let storageTypes: [String: StoredDType] = [
        "FloatStorage": .f32, "DoubleStorage": .f64, "HalfStorage": .f16,
        "BFloat16Storage": .bf16, "LongStorage": .i64, "IntStorage": .i32,
        "ShortStorage": .i16, "CharStorage": .i8, "ByteStorage": .u8, "BoolStorage": .bool,
    ]

    /// REDUCE / NEWOBJ: `callable(*arguments)`.
    static func call(
        _ callable: PickleValue, arguments: PickleValue, unpickler: Unpickler
    ) throws -> PickleValue {
        guard case .global(let module, let name) = callable,
              case .tuple(let args) = arguments
        else {
            throw unpickler.failure(
                "calls a \(callable.kind) with \(arguments.kind) arguments near byte "
                    + "\(unpickler.position)")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"), ("builtins", "dict"):
            return .dict(PickleDict())
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            return .tensor(try rebuildTensor(args, unpickler: unpickler))
        case ("torch._utils", "_rebuild_parameter"),
             ("torch._utils", "_rebuild_parameter_with_state"):
            // A Parameter is its tensor plus requires_grad, which a reader does not need.
            guard let data = args.first else {
                throw unpickler.failure("rebuilds a parameter without its tensor")
            }
            return data
        default:
            return .object(module: module, name: name)
        }
    }

    /// BINPERSID: `('storage', storage_type, key, location, numel[, view_metadata])`.
    static func persistentLoad(_ id: PickleValue, unpickler: Unpickler) throws -> PickleValue {
        guard case .tuple(let fields) = id, fields.count >= 5,
              case .string("storage") = fields[0],
              case .global(_, let typeName) = fields[1],
              case .string(let key) = fields[2],
              case .int(let count) = fields[4], count >= 0
        else {
            throw unpickler.failure("has a persistent id that is not a storage reference")
        }
        guard let dtype = storageTypes[typeName] else {
            throw unpickler.failure("stores a tensor as \(typeName), which is not supported")
        }
        var storage = PickledStorage(key: key, dtype: dtype, count: count, root: nil)
        // Files from PyTorch < 0.4 may store views of a storage: (view key, offset, size).
        if fields.count > 5, case .tuple(let view) = fields[5], view.count == 3,
           case .string(let viewKey) = view[0], case .int(let offset) = view[1],
           case .int(let viewCount) = view[2]
        {
            storage = PickledStorage(
                key: viewKey, dtype: dtype, count: viewCount, root: (key, offset))
        }
        return .storage(storage)
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, ...)`.
    private static func rebuildTensor(
        _ args: [PickleValue], unpickler: Unpickler
    ) throws -> PickledTensor {
        guard args.count >= 4, case .storage(let storage) = args[0],
              case .int(let offset) = args[1],
              let shape = integers(args[2]), let strides = integers(args[3]),
              shape.count == strides.count
        else {
            throw unpickler.failure(
                "rebuilds a tensor from arguments that are not (storage, offset, size, stride)")
        }
        return PickledTensor(storage: storage, offset: offset, shape: shape, strides: strides)
    }

    private static func integers(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case .int(let v) = item else { return nil }
            result.append(v)
        }
        return result
    }
}
