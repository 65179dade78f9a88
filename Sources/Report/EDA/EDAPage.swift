import Datasets
import Formats
import Foundation

/// The HTML page of the EDA: tables of the numbers and the figures, one offline file.
enum EDAPage {
    static func html(_ s: EDASummary, figures: [Figure]) -> String {
        var body: [String] = ["<h1>Fashion-MNIST: exploratory data analysis</h1>"]
        body.append(
            p(
                "Data: <code>\(esc(s.dataDirectory))</code>; SHA-256 of the four files "
                    + (s.checksumsVerified
                        ? "verified." : "<b>did not match</b> the published values.")))

        body.append("<h2>Structure</h2>")
        body.append(
            table(
                ["split", "images", "labels", "image shape", "pixel type", "label type"],
                s.splits.map {
                    [
                        $0.name, n($0.images), n($0.labels),
                        $0.imageShape.map(String.init).joined(separator: "×"),
                        $0.pixelType, $0.labelType,
                    ]
                }))
        body.append(
            p(
                "Labels: "
                    + s.classNames.enumerated().map { "\($0.offset) \(esc($0.element))" }
                    .joined(separator: ", ") + "."))

        body.append("<h2>Cleaning</h2>")
        let c = s.cleaning
        let e = c.exactDuplicates
        let nd = c.nearDuplicates
        body.append(
            table(
                ["check", "result"],
                [
                    [
                        "missing records (images without labels or the reverse)",
                        n(c.missingRecords),
                    ],
                    [
                        "unreadable records / labels outside 0-9",
                        "\(c.unreadableRecords) / \(c.labelsOutOfRange)",
                    ],
                    ["blank (all-zero) images", n(c.blankImages)],
                    [
                        "exact duplicate groups (labels ignored)",
                        "\(n(e.groups)) groups, \(n(e.images)) images, "
                            + "\(n(e.redundantCopies)) redundant copies",
                    ],
                    [
                        "… within train / within test / across splits",
                        "\(e.withinTrain) / \(e.withinTest) / \(e.acrossSplits)",
                    ],
                    [
                        "… same label / conflicting labels",
                        "\(e.sameLabel) / \(e.conflictingLabels)",
                    ],
                    [
                        "near-duplicate pairs (RMS distance ≤ \(nd.threshold), exact excluded)",
                        n(nd.pairs),
                    ],
                    [
                        "… within train / within test / across splits",
                        "\(nd.withinTrain) / \(nd.withinTest) / \(nd.acrossSplits)",
                    ],
                    ["… pairs with different labels", n(nd.conflictingLabels)],
                ]))
        body.append(p("Near-duplicate method: \(esc(nd.method))."))
        if !e.examples.isEmpty {
            body.append(
                p("Exact duplicate groups (first \(e.examples.count)), as split:index:class:"))
            body.append(table(["images"], e.examples.map { [$0.joined(separator: " = ")] }))
        }
        if !nd.examples.isEmpty {
            body.append(p("Closest near-duplicate pairs:"))
            body.append(table(["image", "image", "RMS distance"], nd.examples))
        }

        body.append("<h2>Statistics (pixel values 0-255)</h2>")
        let header = ["set", "images", "mean", "std", "min", "max", "background"]
        var rows = [statsRow("all", s.overall)] + s.splits.map { statsRow($0.name, $0.statistics) }
        rows += s.classes.map { statsRow("\($0.label) \($0.name)", $0.statistics) }
        body.append(table(header, rows))
        body.append(
            table(
                ["class"] + s.splits.map(\.name),
                s.classNames.indices.map { c in
                    [s.classNames[c]] + s.splits.map { n($0.classCounts[c]) }
                }))

        body.append("<h2>Figures</h2>")
        for figure in figures {
            let content: String
            switch figure.kind {
            case .svg(let svg): content = svg
            case .png(let image):
                let data = Data(PNGEncoder.encode(image)).base64EncodedString()
                content =
                    "<img class=\"pixels\" alt=\"\(esc(figure.file))\" "
                    + "width=\"\(image.width * 3)\" src=\"data:image/png;base64,\(data)\">"
            }
            body.append(
                "<figure>\(content)<figcaption>\(esc(figure.caption)) "
                    + "(<a href=\"\(figure.file)\">\(figure.file)</a>)</figcaption></figure>")
        }
        body.append(p(String(format: "Computed in %.1f s.", s.seconds)))

        return HTML.page(title: "Fashion-MNIST EDA", body: body.joined(separator: "\n"))
    }

    private static func statsRow(_ name: String, _ s: PixelStatistics) -> [String] {
        [
            name, n(s.images), String(format: "%.2f", s.mean), String(format: "%.2f", s.std),
            "\(s.min)", "\(s.max)", String(format: "%.1f%%", s.backgroundShare * 100),
        ]
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> String {
        HTML.table(header, rows)
    }

    private static func p(_ html: String) -> String { HTML.paragraph(html) }

    private static func n(_ v: Int) -> String { HTML.thousands(v) }

    private static func esc(_ text: String) -> String { HTML.escape(text) }
}
