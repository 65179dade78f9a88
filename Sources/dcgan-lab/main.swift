import Foundation
import Tensor

/// Every subcommand, in the order `--help` lists them.
let commands: [Command.Type] = [
    DataCommand.self,
    EDACommand.self,
    TrainCommand.self,
    SampleCommand.self,
    BenchCommand.self,
    StudyCommand.self,
    EvaluateCommand.self,
    FIDCommand.self,
    ClassifierCommand.self,
    WeightsCommand.self,
    ParityCommand.self,
]

func printOverview() {
    var lines = [
        "usage: dcgan-lab COMMAND [options]", "",
        "Controlled studies of how regularisation changes DCGAN training on Fashion-MNIST.", "",
        "commands:",
    ]
    for c in commands {
        lines.append("  \(c.spec.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(c.spec.summary)")
    }
    lines.append("")
    lines.append("Run 'dcgan-lab COMMAND --help' for a command's options.")
    Console.info(lines.joined(separator: "\n"))
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, !["--help", "-h", "help"].contains(name) else {
    printOverview()
    exit(arguments.isEmpty ? 2 : 0)
}
guard let command = commands.first(where: { $0.spec.name == name }) else {
    Console.error("unknown command '\(name)'; run 'dcgan-lab --help' for the list")
    exit(2)
}
// Engine switches read from the environment: a misspelt value would silently fall back to
// the default, so name it instead.
for (variable, values) in [("DCGANLAB_CONVOLUTION", ConvolutionKernels.Algorithm.allCases.map(\.rawValue)),
                           ("DCGANLAB_GEMM", ["packed", "blas"])] {
    if let value = ProcessInfo.processInfo.environment[variable], !values.contains(value) {
        Console.error("\(variable)=\(value) is not a choice: use one of \(values.joined(separator: ", ")), or unset it")
        exit(2)
    }
}
let rest = Array(arguments.dropFirst())
if rest.contains("--help") || rest.contains("-h") {
    Console.info(command.spec.usage)
    exit(0)
}
do {
    let parsed = try ParsedArguments(rest, spec: command.spec)
    try command.run(parsed)
} catch let error as UsageError {
    Console.error(error.description)
    Console.info(command.spec.usage)
    exit(2)
} catch {
    Console.error("\(error)")
    exit(1)
}
