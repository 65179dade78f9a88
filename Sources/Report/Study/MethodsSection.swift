import Foundation
import GAN
import Study

/// Sections 5 and 6: everything needed to rerun the study, and how it differs from the
/// reference study.
struct MethodsSection {
    let artifacts: StudyArtifacts
    private var results: StudyResults { artifacts.results }

    func blocks() -> [Block] {
        let plan = results.plan
        let env = results.environment
        let e = plan.evaluation
        return [
            .heading(level: 2, text: "Methods"),
            .paragraph([
                .text("Preset "), .code(plan.preset), .text(": \(plan.variants.count) variants × "
                    + "\(StudyFormat.seeds(plan.seeds.count)) (seeds "
                    + plan.seeds.map(String.init).joined(separator: ", ")
                    + "), each an independent run of the same base configuration with only "
                    + "its variant and seed changed."),
            ]),
            .heading(level: 3, text: "Base configuration"),
            .table(header: ["setting", "value"], rows: configurationRows(plan.base)),
            .heading(level: 3, text: "Variants"),
            .table(
                header: ["variant", "what it changes"],
                rows: results.variants.map { [[.strong($0.variant)], [.text($0.summary)]] }),
            .heading(level: 3, text: "Evaluation"),
            .list([
                [.text("Feature extractor: "), .code(e.features),
                 " (a Fashion-MNIST classifier; its FID is reported as FID (FMNIST-CNN))."],
                [.text("Per-epoch FID: \(HTML.thousands(e.epochSamples)) generated images.")],
                [.text("Final and best epochs: \(HTML.thousands(e.finalSamples)) generated vs "
                    + "\(HTML.thousands(e.referenceSamples)) real test images for FID, KID and "
                    + "the class distribution; \(HTML.thousands(e.manifoldSamples)) per side "
                    + "for precision, recall, density and coverage.")],
                ["Intervals: 95% Student-t over seeds; tests: Welch's t-test."],
            ]),
            .heading(level: 3, text: "Runs"),
            .table(
                header: ["run", "status", "epochs", "iterations", "training time", "note"],
                rows: artifacts.runsByVariant.flatMap(\.runs).map(runRow)),
            .heading(level: 3, text: "Environment"),
            .table(header: ["", ""], rows: [
                [["software"], [.text(env.tool)]],
                [["Swift"], [.text(env.swiftVersion)]],
                [["machine"], [.text(env.machine)]],
                [["cores / threads"], [.text("\(env.cores) / \(env.threads)")]],
                [["convolutions"], [.text(env.convolutions.map { "\($0) (DCGANLAB_CONVOLUTION)" } ?? "not recorded")]],
                [["started"], [.text(env.started)]],
                [["wall time"], [.text(StudyFormat.duration(env.wallSeconds))]],
            ]),
            .paragraph(["To rerun the study exactly:"]),
            .code(env.command),
            .paragraph([
                "All numbers: ", .link("results.json", href: "results.json"), " (everything) and ",
                .link("results.csv", href: "results.csv"), " (one row per run); this report ",
                "in Markdown: ", .link("report.md", href: "report.md"), ".",
            ]),
            .heading(level: 2, text: "How this differs from the reference study"),
            .paragraph([referenceNote]),
        ]
    }

    /// The reference study's weaknesses and what this study does instead, in one paragraph.
    let referenceNote: Inline = .text(
        "The reference study ranked its variants by an Inception FID computed from 128 real "
            + "and 128 generated images. With 2,048-dimensional features and so few samples "
            + "the estimate is dominated by its bias, which depends on the sample size more "
            + "than on the generator, so its values (329 to 410) cannot order the variants. "
            + "It also trained each variant once, so no difference could be told from "
            + "seed-to-seed noise, and its \"best method\" picked the variant with the "
            + "smallest loss improvement, the opposite of what it meant. Here FID uses a "
            + "feature extractor trained on Fashion-MNIST and thousands of samples per side, "
            + "every variant runs with several seeds where the preset allows, differences "
            + "come with intervals and p-values, and the best variant is chosen by FID, "
            + "never by loss.")

    /// The base configuration as key-value rows under `config.json`'s names (variant and
    /// seed vary per run).
    private func configurationRows(_ config: TrainingConfig) -> [[[Inline]]] {
        let decoded = try? JSONDecoder().decode([String: ConfigValue].self, from: config.encoded())
        var object = decoded ?? [:]
        if config.subset == nil { object["subset"] = ConfigValue(text: "none (all images)") }
        return object.keys.sorted().filter { $0 != "variant" && $0 != "seed" }.map { key in
            [[.code(key)], [.text(object[key]!.text)]]
        }
    }

    private func runRow(_ artifacts: RunArtifacts) -> [[Inline]] {
        let run = artifacts.result
        let status: Inline = run.status == .completed
            ? .text(run.status.rawValue) : .strong(run.status.rawValue)
        let name = "\(run.variant), seed \(run.seed)"
        let note = artifacts.historyProblem.map { run.message.isEmpty ? $0 : "; " + $0 } ?? ""
        return [
            [artifacts.directoryExists
                ? .link(name, href: run.directory) : .text(name + " (directory missing)")],
            [status],
            [.text("\(run.epochsCompleted)")],
            [.text(HTML.thousands(run.iterations))],
            [.text(StudyFormat.duration(run.trainingSeconds))],
            [.text(run.message + note)],
        ]
    }
}

/// One scalar of `config.json`, written as it reads there.
private struct ConfigValue: Decodable {
    let text: String

    init(text: String) { self.text = text }

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            text = "none"
        } else if let flag = try? c.decode(Bool.self) {
            text = String(flag)
        } else if let whole = try? c.decode(Int.self) {
            text = String(whole)
        } else if let number = try? c.decode(Double.self) {
            text = String(number)
        } else {
            text = try c.decode(String.self)
        }
    }
}
