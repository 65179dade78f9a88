import Datasets
import Foundation

/// `dcgan-lab data`: find (or download) Fashion-MNIST and verify it.
enum DataCommand: Command {
    static let spec = CommandSpec(
        name: "data",
        summary:
            "Find or download Fashion-MNIST, verify its SHA-256 checksums, print where it is.",
        options: DataOptions.specs)

    static func run(_ arguments: ParsedArguments) throws {
        let start = Date()
        let (location, data) = try DataOptions.load(arguments)
        Console.info(
            "Fashion-MNIST: \(location.directory.path) (found via \(location.source.rawValue))")
        for split in FashionMNIST.Split.allCases {
            let images = data[split]
            Console.info(
                "  \(split.rawValue): \(images.count) images of 28x28 uint8, labels 0...9")
        }
        let mismatches = data.checksumMismatches
        Console.info(
            mismatches.isEmpty
                ? "  SHA-256 verified for all four files (uncompressed content)"
                : "  NOT VERIFIED: \(mismatches.map(\.rawValue).joined(separator: ", "))")
        Console.info(String(format: "  loaded in %.2f s", Date().timeIntervalSince(start)))
    }
}

/// The data options every command that reads Fashion-MNIST shares, and the loading they drive.
enum DataOptions {
    static let specs = [
        OptionSpec(
            name: "data-dir", valueName: "DIR",
            help: "Fashion-MNIST directory (else $FASHION_MNIST_DIR, the system copy, the cache)"),
        OptionSpec(
            name: "allow-checksum-mismatch", valueName: nil,
            help: "use files whose SHA-256 differs from the published one (warns)"),
    ]

    /// Locates (downloading if needed) and loads both splits; checksum mismatches are errors
    /// unless `--allow-checksum-mismatch`, then warnings.
    static func load(_ arguments: ParsedArguments) throws -> (DataLocation, FashionMNISTData) {
        var bar: ProgressBar?
        var barFile = ""
        let location = try DataAccess.locate(dataDirectory: arguments.string("data-dir")) {
            file, received, total in
            if file != barFile || bar == nil {
                barFile = file
                bar = ProgressBar("download \(file)", total: Int(total ?? 0), unit: "B")
            }
            bar?.update(Int(received))
        }
        let allow = arguments.flag("allow-checksum-mismatch")
        let data = try FashionMNISTData.load(
            from: location, checksums: allow ? .allowMismatch : .require)
        for file in data.checksumMismatches {
            Console.warning(
                "\(location.files[file]!.path): SHA-256 differs from the published "
                    + "\(file.sha256); continuing because of --allow-checksum-mismatch")
        }
        return (location, data)
    }
}
