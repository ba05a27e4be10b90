//! `threat-model.html` and the folder index, as people get them: built by the binary, then
//! opened in headless Chromium (see `clients::check_html`), plus what can be checked on the text.

use crate::build_cli::{scratch, site};
use crate::clients::{assert_html_pages, dot_available};
use assert_cmd::Command;
use std::path::Path;
use tmc::report::view::Report;

fn tmc() -> Command {
    Command::cargo_bin("tmc").unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Builds `model` with `--emit html,json` into a fresh directory; the page and the report.
fn build_page(
    model: &str,
    out: &str,
    without_graphviz: bool,
) -> (std::path::PathBuf, String, Report) {
    let out = scratch(out);
    let mut command = tmc();
    if without_graphviz {
        command.env("PATH", "/nonexistent");
    }
    command
        .args([
            "build",
            model,
            "--today",
            "2026-06-01",
            "--emit",
            "html,json",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let page = out.join("threat-model.html");
    let html = read(&page);
    let report: Report =
        serde_json::from_str(&read(&out.join("threats.json"))).unwrap_or_else(|e| panic!("{e}"));
    (page, html, report)
}

fn severity_count(report: &Report, word: &str) -> u64 {
    report
        .threats
        .iter()
        .filter(|t| t.severity.word() == word)
        .count() as u64
}

#[test]
fn the_threat_table_filters_and_sorts_in_chromium() {
    let (page, html, report) = build_page("examples/ai-nutrition-pro.tm", "html-example", false);
    // One row per threat, with the attributes the filters read; the page needs nothing else.
    assert_eq!(
        html.matches("<tr id=\"threat-").count(),
        report.threats.len()
    );
    assert!(html.contains("data-severity=\"critical\" data-status=\"open\""));
    for external in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!html.contains(external), "the page loads {external}");
    }
    if dot_available().is_ok() {
        assert!(
            html.contains("<svg") && !html.contains("<?xml") && !html.contains("<!DOCTYPE svg")
        );
    }
    let filters = [
        "severity=critical",
        "severity=high",
        "status=mitigated",
        "category=spoofing",
    ];
    let Some(reports) = assert_html_pages(&[&page], &filters, Some("Severity"), false) else {
        return;
    };
    let r = &reports[0];
    let total = report.threats.len() as u64;
    assert_eq!(r["title"], format!("Threat Model: {}", report.model.name));
    assert_eq!(r["filters_visible"], true, "{r}");
    assert_eq!(r["threats"]["rows"], total, "{r}");
    assert_eq!(r["threats"]["visible"], total, "{r}");
    let filtered = &r["threats"]["filtered"];
    let critical = severity_count(&report, "critical");
    assert!(critical > 0 && critical < total);
    assert_eq!(filtered["severity=critical"], critical, "{r}");
    assert_eq!(
        filtered["severity=high"],
        severity_count(&report, "high"),
        "{r}"
    );
    let mitigated = report
        .threats
        .iter()
        .filter(|t| t.status == tmc::vocab::Status::Mitigated)
        .count() as u64;
    assert_eq!(filtered["status=mitigated"], mitigated, "{r}");
    let spoofing = report
        .threats
        .iter()
        .filter(|t| t.category == tmc::vocab::Category::Spoofing)
        .count() as u64;
    assert_eq!(filtered["category=spoofing"], spoofing, "{r}");

    // Clicking Severity sorts worst first, clicking again best first.
    let keys = |order: &str| -> Vec<u64> {
        r["threats"]["sorted"][order]
            .as_array()
            .unwrap_or_else(|| panic!("{r}"))
            .iter()
            .map(|v| {
                v.as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| panic!("{v}"))
            })
            .collect()
    };
    let ascending = keys("ascending");
    let descending = keys("descending");
    assert_eq!(ascending.len() as u64, total);
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]), "{ascending:?}");
    assert!(
        descending.windows(2).all(|w| w[0] >= w[1]),
        "{descending:?}"
    );
    assert_eq!(ascending.first(), Some(&1), "critical (rank 1) first");
    assert_eq!(
        r["threats"]["count"],
        format!("Showing all {total} threats"),
        "{r}"
    );
    assert_eq!(
        r["threats"]["filtered_count"]["severity=critical"],
        format!("Showing {critical} of {total} threats"),
        "{r}"
    );

    // Tab reaches every sort button, and each shows the focus (html-check.mjs also fails any
    // control Tab reaches without an outline).
    let sort_buttons = r["focus"]["sort_buttons"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(sort_buttons.len(), 7, "{r}");
    for button in sort_buttons {
        let outline = button["outline"].as_str().unwrap_or_default();
        assert!(!outline.is_empty() && !outline.starts_with("none"), "{r}");
    }

    // The drawing is fitted to the column, and shown at its own size, scrolling in its frame, at
    // the press of the button; without the script it is at its own size.
    assert!(
        html.contains("<noscript><style>.diagram { max-height: 85vh; } .diagram svg { max-width: none; }</style></noscript>"),
        "{html}"
    );
    if dot_available().is_ok() {
        let diagram = &r["diagram"];
        assert_eq!(diagram["kind"], "svg", "{r}");
        let toggle = &diagram["toggle"];
        let width = |state: &str| {
            toggle[state]["width"]
                .as_u64()
                .unwrap_or_else(|| panic!("{r}"))
        };
        let natural = toggle["natural_width"].as_u64().unwrap_or_default();
        assert_eq!(toggle["fit"]["label"], "Actual size", "{r}");
        assert_eq!(toggle["fit"]["scrolls"], false, "{r}");
        assert!(
            width("fit") < natural,
            "the example is wider than the column: {r}"
        );
        assert_eq!(toggle["actual"]["label"], "Fit to width", "{r}");
        assert!(width("actual").abs_diff(natural) <= 1, "{r}");
        assert_eq!(toggle["actual"]["scrolls"], true, "{r}");
        assert_eq!(toggle["back"], toggle["fit"], "{r}");
    }
}

#[test]
fn hostile_text_is_never_markup() {
    for without_graphviz in [false, true] {
        let out = format!("html-hostile-{without_graphviz}");
        let (page, html, report) = build_page("tests/golden/hostile.tm", &out, without_graphviz);
        // Exactly our one script, and no text from the model as a tag.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(
            !html.contains("<b>tag</b>") && !html.contains("<model>"),
            "{html}"
        );
        assert!(html.contains("User &lt;script&gt;alert(1)&lt;/script&gt;"));
        if without_graphviz || dot_available().is_err() {
            assert!(html.contains("<pre class=\"mermaid-source\">flowchart LR\n"));
            assert!(!html.contains("<svg"));
        } else {
            assert!(html.contains("<svg") && !html.contains("mermaid-source\">"));
        }
        let Some(reports) = assert_html_pages(&[&page], &["severity=critical"], None, false) else {
            continue;
        };
        let r = &reports[0];
        // The browser shows the names as text, character for character.
        assert_eq!(
            r["h1"],
            format!("Threat Model: {}", report.model.name),
            "{r}"
        );
        assert_eq!(r["scripts"], 1, "{r}");
        assert_eq!(
            r["threats"]["filtered"]["severity=critical"],
            severity_count(&report, "critical"),
            "{r}"
        );
        if without_graphviz {
            // The Mermaid source has no size button, and the page says why it is there.
            assert_eq!(r["diagram"]["kind"], "mermaid", "{r}");
            assert_eq!(r["diagram"]["toggle"], serde_json::Value::Null, "{r}");
            assert_eq!(
                r["diagram"]["missing"],
                "The diagram was not drawn: Graphviz (dot) was not installed where this page was \
                 built. This is the diagram's Mermaid source, which Mermaid-aware tools draw.",
                "{r}"
            );
        }
    }
}

#[test]
fn the_folder_index_loads_in_chromium() {
    let site = site("html-folder");
    let out = site.with_file_name("out");
    tmc()
        .args(["build", "--today", "2026-06-01", "--emit", "md,html", "-o"])
        .arg(&out)
        .arg(&site)
        .assert()
        .code(0);
    let index = out.join("index.html");
    let html = read(&index);
    assert!(
        html.contains("href=\"team%20a/billing/threat-model.html\""),
        "{html}"
    );
    assert!(!html.contains("<script"), "the index needs no script");
    let pages = [
        index.as_path(),
        &out.join("shop/threat-model.html"),
        &out.join("team a/billing/threat-model.html"),
    ];
    let Some(reports) = assert_html_pages(&pages, &[], None, false) else {
        return;
    };
    let models = &reports[0]["models"];
    assert_eq!(models["rows"], 2, "{models}");
    let links: Vec<&str> = models["links"]
        .as_array()
        .unwrap_or_else(|| panic!("{models}"))
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        links,
        [
            "shop/threat-model.html",
            "team%20a/billing/threat-model.html"
        ]
    );
    assert_eq!(
        reports[2]["h1"],
        "Threat Model: Billing <internal> & \"co\""
    );
}

/// Graphviz gives up on some very large graphs: the page falls back to the Mermaid source (with a
/// warning) rather than failing the build, while an explicit `--emit svg` still fails.
#[cfg(unix)]
#[test]
fn a_failing_graphviz_leaves_the_mermaid_source_in_the_page() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("html-dot-fails");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    let dot = bin.join("dot");
    std::fs::write(
        &dot,
        "#!/bin/sh\n[ \"$1\" = -V ] && exit 0\necho 'Error: trouble in init_rank' >&2\necho 'more detail' >&2\nexit 1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let output = tmc()
        .env("PATH", &bin)
        .args(["build", "tests/golden/shop.tm", "--emit", "html", "-o"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: `dot -Tsvg` failed: Error: trouble in init_rank\n  threat-model.html shows the diagram's Mermaid source instead"),
        "{err}"
    );
    assert!(!err.contains("more detail"), "{err}");
    let html = read(&out.join("threat-model.html"));
    assert!(html.contains("<pre class=\"mermaid-source\">flowchart LR"));
    assert!(
        html.contains("<p id=\"diagram-missing\">The diagram was not drawn: Graphviz could not lay it out (`dot -Tsvg` failed: Error: trouble in init_rank). This is"),
        "{html}"
    );

    let again = dir.join("again");
    tmc()
        .env("PATH", &bin)
        .args(["build", "tests/golden/shop.tm", "--emit", "svg,html", "-o"])
        .arg(&again)
        .assert()
        .code(2);
    assert!(!again.exists());

    // The default outputs include svg only because Graphviz is there; when it gives up, the build
    // still succeeds without dfd.svg.
    let default = dir.join("default");
    let output = tmc()
        .env("PATH", &bin)
        .args(["build", "tests/golden/shop.tm", "-o"])
        .arg(&default)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("dfd.svg is left out"), "{err}");
    assert!(default.join("dfd.dot").is_file() && !default.join("dfd.svg").exists());
}

/// A page with more threats than its table holds carries them as data, and its script shows
/// them a page at a time. Every row it makes is the row the table would have had, byte for
/// byte as the browser sees it, hostile names included; filters count the same threats and
/// sorting orders them the same way.
#[test]
fn a_page_of_data_shows_the_rows_of_the_table_a_page_at_a_time() {
    for (name, model) in [
        ("example", "examples/ai-nutrition-pro.tm"),
        ("hostile", "tests/golden/hostile.tm"),
    ] {
        let (table_page, _, report) = build_page(model, &format!("html-paged-{name}"), true);
        let options = tmc::report::HtmlOptions {
            table_limit: 0,
            ..Default::default()
        };
        let templates = tmc::report::Templates::embedded().unwrap_or_else(|e| panic!("{e}"));
        let html =
            tmc::report::html(&report, &templates, &options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(html.matches("<tr id=\"threat-").count(), 0);
        let opening = "<script type=\"application/json\" id=\"threat-data\">";
        let data = html
            .split_once(opening)
            .and_then(|(_, rest)| rest.split_once("</script>"))
            .map(|(data, _)| data)
            .unwrap_or_else(|| panic!("no data in the page:\n{html}"));
        assert!(!data.contains('<'), "{data}");
        let value: serde_json::Value =
            serde_json::from_str(data).unwrap_or_else(|e| panic!("{e}: {data}"));
        let total = report.threats.len();
        assert_eq!(value["threats"].as_array().map(Vec::len), Some(total));
        let paged_page = table_page.with_file_name("paged.html");
        std::fs::write(&paged_page, &html).unwrap_or_else(|e| panic!("{e}"));

        let filters = ["severity=critical", "status=mitigated", "category=spoofing"];
        let pages = [table_page.as_path(), paged_page.as_path()];
        let Some(reports) = assert_html_pages(&pages, &filters, Some("Severity"), true) else {
            return;
        };
        let (table, paged) = (&reports[0]["threats"], &reports[1]["threats"]);
        let page_size = tmc::report::HTML_PAGE_SIZE;
        assert_eq!(table["pages"], serde_json::Value::Null, "{table}");
        assert_eq!(
            paged["pages"],
            format!("Page 1 of {}", total.div_ceil(page_size)),
            "{paged}"
        );
        assert_eq!(paged["matching"], total, "{paged}");
        assert_eq!(paged["visible"], total.min(page_size), "{paged}");
        assert_eq!(table["filtered"], paged["filtered"], "{name}");
        // The counts read the same while the threats fit on one page.
        if total <= page_size {
            assert_eq!(table["count"], paged["count"], "{name}");
        } else {
            assert_eq!(
                paged["count"],
                format!("Showing 1\u{2013}{page_size} of {total} threats"),
                "{name}"
            );
        }
        for filter in filters {
            if table["filtered"][filter].as_u64().unwrap_or_default() <= page_size as u64 {
                let counts = (
                    &table["filtered_count"][filter],
                    &paged["filtered_count"][filter],
                );
                assert_eq!(counts.0, counts.1, "{name}: {filter}");
            }
        }
        let rows = table["rows_html"].as_array().map_or(0, Vec::len);
        assert_eq!(rows, total, "{name}: {table}");
        assert_eq!(table["rows_html"], paged["rows_html"], "{name}");
        // The first page of the sorted data is the top of the sorted table.
        for order in ["ascending", "descending"] {
            let all = table["sorted"][order]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let first = all.get(..total.min(page_size)).unwrap_or_default();
            assert_eq!(
                paged["sorted"][order].as_array().map(Vec::as_slice),
                Some(first)
            );
        }
        // A link to a threat a filter hides clears the filters and shows it, on its page.
        for threats in [table, paged] {
            let revealed = &threats["revealed"];
            assert_eq!(revealed["number"], total, "{name}: {revealed}");
            assert_eq!(revealed["hidden_before"], true, "{name}: {revealed}");
            assert_eq!(revealed["shown"], true, "{name}: {revealed}");
            assert_eq!(revealed["in_view"], true, "{name}: {revealed}");
            assert_eq!(revealed["filter_after"], "", "{name}: {revealed}");
        }
        let pages = total.div_ceil(page_size);
        assert_eq!(
            paged["revealed"]["page"],
            format!("Page {pages} of {pages}"),
            "{name}"
        );
    }
}

/// Writes a fake `dot` into `dir/bin`: it answers `dot -V`, and fails saying `message` when
/// asked to draw. The folder to put on PATH.
#[cfg(unix)]
fn fake_dot(dir: &Path, message: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    let dot = bin.join("dot");
    std::fs::write(
        &dot,
        format!("#!/bin/sh\n[ \"$1\" = -V ] && exit 0\necho '{message}' >&2\nexit 1\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    bin
}

/// A drawing of more than 2,000 elements is not attempted: the page says so, rather than blaming
/// Graphviz (which is installed here, and never asked).
#[cfg(unix)]
#[test]
fn a_diagram_too_large_to_draw_says_so_in_the_page() {
    let dir = scratch("html-too-large");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let bin = fake_dot(&dir, "dot was run");
    let mut model = String::from("model \"Many processes\"\n");
    for n in 0..2001 {
        model.push_str(&format!("process p{n} \"Process {n}\"\n"));
    }
    for n in 0..5 {
        model.push_str(&format!("p{n} -> p{} \"Step {n}\"\n", n + 1));
    }
    let source = dir.join("many.tm");
    std::fs::write(&source, model).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out");
    let output = tmc()
        .env("PATH", &bin)
        .args(["build", "--emit", "html", "-o"])
        .arg(&out)
        .arg(&source)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: the diagram has 2001 elements, more than the 2000 Graphviz lays out in reasonable time, so it was not drawn\n  threat-model.html shows the diagram's Mermaid source instead"),
        "{err}"
    );
    assert!(!err.contains("dot was run"), "{err}");
    let page = out.join("threat-model.html");
    let html = read(&page);
    let sentence = "The diagram has 2001 elements, more than the 2000 Graphviz lays out in \
                    reasonable time, so it was not drawn (draw one boundary with tmc build \
                    --diagram-scope, or ask for it with --emit svg). This is the diagram's \
                    Mermaid source, which Mermaid-aware tools draw.";
    assert!(!html.contains("Graphviz (<code>dot</code>) was not installed"));
    assert!(html.contains("<pre class=\"mermaid-source\">flowchart LR"));
    let Some(reports) = assert_html_pages(&[&page], &[], None, false) else {
        return;
    };
    let r = &reports[0];
    assert_eq!(r["diagram"]["missing"], sentence, "{r}");
    assert_eq!(r["diagram"]["toggle"], serde_json::Value::Null, "{r}");
}

/// The script's counts agree with their number: one threat is "1 threat", in a page of rows
/// and in a page of data.
#[test]
fn one_threat_is_counted_in_the_singular() {
    let dir = scratch("html-one-threat");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let source = dir.join("one.tm");
    // The built-in rules on processes turned off, and one threat written by hand.
    let mut model = String::from("model \"One\"\nprocess p \"P\"\n");
    for rule in [
        "denial_of_service.resource_exhaustion",
        "elevation_of_privilege.process_compromise",
        "information_disclosure.error_leakage",
        "repudiation.unattributable_actions",
        "spoofing.process_impersonation",
        "tampering.process_integrity",
    ] {
        let category = rule.split('.').next().unwrap_or_default();
        model.push_str(&format!(
            "rule {rule} {{ category {category}; on element process; when false; title \"t\" }}\n"
        ));
    }
    model.push_str(
        "threat only \"Only threat\" { on p; category tampering; severity low; explanation \"e\" }\n",
    );
    std::fs::write(&source, model).unwrap_or_else(|e| panic!("{e}"));
    let model = source.to_str().unwrap_or_else(|| panic!("{source:?}"));
    let (table_page, _, report) = build_page(model, "html-one-threat/out", true);
    assert_eq!(report.threats.len(), 1);
    let options = tmc::report::HtmlOptions {
        table_limit: 0,
        ..Default::default()
    };
    let templates = tmc::report::Templates::embedded().unwrap_or_else(|e| panic!("{e}"));
    let html = tmc::report::html(&report, &templates, &options).unwrap_or_else(|e| panic!("{e}"));
    let paged_page = table_page.with_file_name("paged.html");
    std::fs::write(&paged_page, &html).unwrap_or_else(|e| panic!("{e}"));
    let status = report.threats.first().map_or("open", |t| t.status.word());
    let other = if status == "open" {
        "mitigated"
    } else {
        "open"
    };
    let filter = format!("status={other}");
    let pages = [table_page.as_path(), paged_page.as_path()];
    let Some(reports) = assert_html_pages(&pages, &[&filter], None, false) else {
        return;
    };
    for r in &reports {
        let threats = &r["threats"];
        assert_eq!(threats["count"], "Showing 1 threat", "{r}");
        assert_eq!(
            threats["filtered_count"][&filter], "Showing 0 of 1 threat",
            "{r}"
        );
    }
    assert!(reports[1]["threats"]["pages"].is_string());
}
