/// A subcommand of `dcgan-lab`: its spec (name, options, help) and what it does.
protocol Command {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) throws
}
