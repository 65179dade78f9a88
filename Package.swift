// swift-tools-version:5.9
import PackageDescription

// Kernels are compiled with the host's vector units and without exclusivity checks:
// without `-target-cpu native` SIMD code falls back to scalar `fmaf` calls (~100x slower),
// and exclusivity checks on class-held buffers cost ~35x in inner loops.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "native"]),
]

let package = Package(
    name: "DCGANLab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dcgan-lab", targets: ["dcgan-lab"]),
        .library(name: "DCGANLab", targets: ["GAN", "Evaluation", "Study", "Report"]),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CLapacke", path: "Sources/CLapacke"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),

        // The bfloat16 dot-product micro-kernel: the one instruction Swift cannot name.
        .target(name: "CBFloat16", path: "Sources/CBFloat16", cSettings: [.unsafeFlags(["-O3"])]),
        // Loops Swift leaves scalar (Adam's update). No contraction into fused multiply-adds,
        // so the vector code rounds as the scalar one; sqrtf need not set errno.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno"])]),

        .target(name: "Tensor", dependencies: ["CBLAS", "CBFloat16"], swiftSettings: fast),
        .target(name: "NeuralNet", dependencies: ["Tensor", "Formats", "CKernels"], swiftSettings: fast),
        .target(name: "Formats", dependencies: ["CZlib"], swiftSettings: fast),
        .target(name: "Datasets", dependencies: ["Tensor", "Formats"], swiftSettings: fast),
        .target(
            name: "GAN",
            dependencies: ["NeuralNet", "Formats", "Datasets"],
            swiftSettings: fast),
        .target(
            name: "Evaluation",
            dependencies: ["Tensor", "NeuralNet", "Formats", "Datasets", "CBLAS", "CLapacke"],
            resources: [.copy("Resources")],
            swiftSettings: fast),
        .target(name: "Study", dependencies: ["GAN", "Evaluation"], swiftSettings: fast),
        .target(name: "Report", dependencies: ["Study", "Datasets", "Formats"], swiftSettings: fast),
        .target(
            name: "Parity", dependencies: ["GAN", "NeuralNet", "Datasets", "Formats"],
            swiftSettings: fast),
        .executableTarget(
            name: "dcgan-lab",
            dependencies: ["Report", "Study", "GAN", "Evaluation", "Datasets", "Formats", "Parity"]),

        .target(
            name: "TestSupport", dependencies: ["Formats", "Parity"], path: "Sources/TestSupport",
            swiftSettings: fast),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TestSupport"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "GANTests", dependencies: ["GAN", "Datasets", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"]),
        .testTarget(name: "StudyTests", dependencies: ["Study", "Report", "Datasets", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "TestSupport"]),
        .testTarget(name: "ParityTests", dependencies: ["Parity", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    ]
)
