/// A minimal pickle machine for PyTorch checkpoints: the opcodes of protocols 2 to 5 that
/// state_dicts use, with `torch` globals interpreted and every other object kept opaque.
/// Nothing is executed; unknown opcodes and malformed streams end in a `FileFormatError`.
struct Unpickler {
    let bytes: UnsafeRawBufferPointer
    private let path: String
    var position: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// A machine reading the pickle that starts at `position`; `path` labels errors.
    init(_ bytes: UnsafeRawBufferPointer, at position: Int, path: String) {
        self.bytes = bytes
        self.position = position
        self.path = path
    }

    /// Runs to STOP and returns the pickled object; `position` is then just past the STOP.
    mutating func load() throws -> PickleValue {
        while true {
            let opcode = try readByte()
            if opcode == 0x2e {
                return try pop()
            }
            try execute(opcode)
        }
    }

    func failure(_ problem: String) -> FileFormatError {
        FileFormatError(
            path: path, problem: problem,
            hint: "The file is not a complete PyTorch checkpoint; re-download or re-save it")
    }

    // MARK: - Opcodes

    private mutating func execute(_ opcode: UInt8) throws {
        switch opcode {
        case 0x80: _ = try readByte()  // PROTO: every protocol >= 2 reads the same here
        case 0x95: _ = try readInteger(8)  // FRAME: frames are only a buffering hint
        case 0x28: marks.append(stack.count)  // MARK
        case 0x30: _ = try pop()  // POP
        case 0x31: _ = try popToMark()  // POP_MARK
        case 0x32: stack.append(try top())  // DUP

        case 0x4e: stack.append(.none)
        case 0x88: stack.append(.bool(true))
        case 0x89: stack.append(.bool(false))
        case 0x4b: stack.append(.int(try readInteger(1)))  // BININT1
        case 0x4d: stack.append(.int(try readInteger(2)))  // BININT2
        case 0x4a: stack.append(.int(Int(Int32(truncatingIfNeeded: try readInteger(4)))))
        case 0x8a: stack.append(try readLong(try readInteger(1)))  // LONG1
        case 0x8b: stack.append(try readLong(try readInteger(4)))  // LONG4
        case 0x47: stack.append(.float(try readBigEndianDouble()))  // BINFLOAT

        case 0x58: stack.append(.string(try readString(try readInteger(4))))  // BINUNICODE
        case 0x8c: stack.append(.string(try readString(try readInteger(1))))
        case 0x8d: stack.append(.string(try readString(try readInteger(8))))
        case 0x55: stack.append(.string(try readString(try readInteger(1))))  // SHORT_BINSTRING
        case 0x54: stack.append(.string(try readString(try readInteger(4))))  // BINSTRING
        case 0x43: stack.append(.bytes(try readBytes(try readInteger(1))))  // SHORT_BINBYTES
        case 0x42: stack.append(.bytes(try readBytes(try readInteger(4))))  // BINBYTES
        case 0x8e: stack.append(.bytes(try readBytes(try readInteger(8))))  // BINBYTES8

        case 0x29: stack.append(.tuple([]))
        case 0x74: stack.append(.tuple(try popToMark()))
        case 0x85, 0x86, 0x87: stack.append(.tuple(try pop(Int(opcode - 0x84))))
        case 0x5d: stack.append(.list(PickleList()))  // EMPTY_LIST
        case 0x6c: try makeList(try popToMark())  // LIST
        case 0x7d: stack.append(.dict(PickleDict()))  // EMPTY_DICT
        case 0x64: try makeDict(try popToMark())  // DICT
        case 0x61: try append(try pop(1))  // APPEND
        case 0x65: try append(try popToMark())  // APPENDS
        case 0x73: try setItems(try pop(2))  // SETITEM
        case 0x75: try setItems(try popToMark())  // SETITEMS

        case 0x71: memo[try readInteger(1)] = try top()  // BINPUT
        case 0x72: memo[try readInteger(4)] = try top()  // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()  // MEMOIZE
        case 0x68: stack.append(try memoised(try readInteger(1)))  // BINGET
        case 0x6a: stack.append(try memoised(try readInteger(4)))  // LONG_BINGET

        case 0x63:  // GLOBAL: "module\nname\n"
            stack.append(.global(module: try readLine(), name: try readLine()))
        case 0x93:  // STACK_GLOBAL
            let names = try pop(2)
            guard case .string(let module) = names[0], case .string(let name) = names[1] else {
                throw failure("has a STACK_GLOBAL without two names at byte \(position - 1)")
            }
            stack.append(.global(module: module, name: name))
        case 0x52, 0x81:  // REDUCE, NEWOBJ: callable and argument tuple
            let call = try pop(2)
            stack.append(try TorchGlobals.call(call[0], arguments: call[1], unpickler: self))
        case 0x62: _ = try pop()  // BUILD: object state (OrderedDict metadata) is not needed
        case 0x51: stack.append(try TorchGlobals.persistentLoad(try pop(), unpickler: self))

        default:
            throw failure(
                "uses pickle opcode 0x\(String(opcode, radix: 16)) at byte \(position - 1), "
                    + "which a state_dict does not need")
        }
    }

    // MARK: - Stack

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw failure("pops an empty pickle stack at byte \(position - 1)")
        }
        return value
    }

    private mutating func pop(_ count: Int) throws -> [PickleValue] {
        guard stack.count - count >= (marks.last ?? 0) else {
            throw failure("needs \(count) values on the pickle stack at byte \(position - 1)")
        }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else {
            throw failure("reads an empty pickle stack at byte \(position - 1)")
        }
        return value
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else {
            throw failure("closes a MARK that was never opened at byte \(position - 1)")
        }
        defer { stack.removeLast(stack.count - mark) }
        return Array(stack[mark...])
    }

    private func memoised(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else {
            throw failure("refers to memo entry \(index), never stored, at byte \(position)")
        }
        return value
    }

    private mutating func makeList(_ items: [PickleValue]) throws {
        let list = PickleList()
        list.items = items
        stack.append(.list(list))
    }

    private mutating func makeDict(_ items: [PickleValue]) throws {
        stack.append(.dict(PickleDict()))
        try setItems(items)
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case .list(let list) = try top() else {
            throw failure("appends to a \(try top().kind), not a list, at byte \(position - 1)")
        }
        list.items += items
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard case .dict(let dict) = try top(), items.count % 2 == 0 else {
            throw failure("sets items on a \(try top().kind), not a dict, at byte \(position - 1)")
        }
        for i in stride(from: 0, to: items.count, by: 2) {
            dict.entries.append((items[i], items[i + 1]))
        }
    }
}
