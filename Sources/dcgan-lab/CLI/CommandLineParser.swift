/// A wrong flag or value on the command line; the CLI prints it with the command's usage
/// and exits with status 2.
public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// One option a command accepts: `--name VALUE` or a bare `--name` switch.
struct OptionSpec {
    var name: String
    var valueName: String?  // nil: a switch with no value
    var help: String
    var repeatable = false
}

/// What a command is called, what it does and which options and positionals it takes.
struct CommandSpec {
    var name: String
    var summary: String
    var positionals: [(name: String, help: String)] = []
    var minimumPositionals = 0
    var options: [OptionSpec] = []

    var usage: String {
        var lines = ["usage: dcgan-lab \(name)"
            + positionals.map { " \($0.name)" }.joined()
            + (options.isEmpty ? "" : " [options]"), "", summary]
        if !positionals.isEmpty {
            lines.append("")
            lines.append("arguments:")
            for p in positionals { lines.append("  \(p.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(p.help)") }
        }
        lines.append("")
        lines.append("options:")
        for o in options + [OptionSpec(name: "help", valueName: nil, help: "show this help")] {
            let left = "--\(o.name)" + (o.valueName.map { " \($0)" } ?? "")
            let column = left.count < 28 ? left.padding(toLength: 28, withPad: " ", startingAt: 0) : left + "  "
            lines.append("  \(column)\(o.help)")
        }
        return lines.joined(separator: "\n")
    }
}

/// Parsed arguments with typed accessors that turn bad values into `UsageError`s naming
/// the flag and the value.
struct ParsedArguments {
    var values: [String: [String]] = [:]
    var switches: Set<String> = []
    var positionals: [String] = []

    init(_ arguments: [String], spec: CommandSpec) throws {
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument.hasPrefix("--") {
                var name = String(argument.dropFirst(2))
                var inlineValue: String?
                if let eq = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                guard let option = spec.options.first(where: { $0.name == name }) else {
                    throw UsageError("unknown option '--\(name)' for '\(spec.name)'")
                }
                if option.valueName == nil {
                    switches.insert(name)
                } else {
                    let value: String
                    if let inlineValue { value = inlineValue } else {
                        i += 1
                        guard i < arguments.count else {
                            throw UsageError("option '--\(name)' needs a value \(option.valueName!)")
                        }
                        value = arguments[i]
                    }
                    if values[name] != nil && !option.repeatable {
                        throw UsageError("option '--\(name)' given more than once")
                    }
                    values[name, default: []].append(value)
                }
            } else {
                positionals.append(argument)
            }
            i += 1
        }
        if positionals.count < spec.minimumPositionals {
            throw UsageError("'\(spec.name)' needs \(spec.positionals.map(\.name).joined(separator: " "))")
        }
        if positionals.count > spec.positionals.count {
            throw UsageError("unexpected argument '\(positionals[spec.positionals.count])' for '\(spec.name)'")
        }
    }

    func flag(_ name: String) -> Bool { switches.contains(name) }

    func string(_ name: String) -> String? { values[name]?.last }

    /// Every value of a repeatable option, also splitting comma-separated lists.
    func list(_ name: String) -> [String]? {
        values[name].map { $0.flatMap { $0.split(separator: ",").map(String.init) } }
    }

    func int(_ name: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else {
            throw UsageError("option '--\(name)' expects a whole number, got '\(text)'")
        }
        if let range, !range.contains(value) {
            throw UsageError("option '--\(name)' must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    func double(_ name: String, range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw UsageError("option '--\(name)' expects a number, got '\(text)'")
        }
        if let range, !range.contains(value) {
            throw UsageError("option '--\(name)' must be in [\(range.lowerBound), \(range.upperBound)], got \(value)")
        }
        return value
    }

    /// A value that must be one of `choices`.
    func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let text = string(name) else { return nil }
        guard choices.contains(text) else {
            throw UsageError("option '--\(name)' must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text
    }
}
