//! Derived facts, computed once so rules never recompute them: boundary crossings, encryption,
//! classifications, flow counts, internet exposure, and the graph.

use super::collect::Decls;
use crate::diagnostics::{codes, Diagnostic, Diagnostics};
use crate::model::{ElementIdx, FlowIdx, Model};
use crate::vocab::ElementKind;
use petgraph::graph::NodeIndex;

/// Controls that mean a channel is encrypted.
const ENCRYPTING_CONTROLS: &[&str] = &["tls", "mtls"];
/// Words of a protocol that name an encrypted channel (compared without case). The secure
/// variants spelt with an `s` (`smtps`, `ldaps`) are [`PLAIN_WITH_S`]; a word that starts with
/// `tls` or `ssl` counts too (`TLSv1.3`, `sslmode`).
const ENCRYPTING_PROTOCOLS: &[&str] = &[
    "mtls",
    "ssh",
    "sftp",
    "scp",
    "quic",
    "h3",
    "dtls",
    "starttls",
    "ipsec",
    "wireguard",
];
/// Protocols whose name with an `s` added is their TLS variant (`https`, `smtps`, `grpcs`).
const PLAIN_WITH_S: &[&str] = &[
    "http", "ftp", "smtp", "imap", "pop3", "ldap", "amqp", "mqtt", "grpc", "ws", "nntp", "irc",
];
/// Words that say a protocol is not encrypted after all: `HTTP (no TLS)`, `TLS disabled`.
const NEGATIONS: &[&str] = &[
    "no",
    "not",
    "without",
    "plain",
    "plaintext",
    "cleartext",
    "unencrypted",
    "disabled",
    "off",
    "optional",
];

/// Whether a flow's protocol says its channel is encrypted: one of its words names an
/// encrypted protocol (`HTTPS/REST`, `gRPC over TLS`, `SMTPS`, `HTTP/3`), and none says
/// otherwise (`HTTP (no TLS)`).
fn protocol_encrypted(protocol: &str) -> bool {
    let words = || {
        protocol
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
    };
    let among = |word: &str, list: &[&str]| list.iter().any(|w| word.eq_ignore_ascii_case(w));
    let starts = |word: &str, prefix: &str| {
        word.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    let encrypting = |word: &str| {
        among(word, ENCRYPTING_PROTOCOLS)
            || starts(word, "tls")
            || starts(word, "ssl")
            || word.len() > 1
                && word.ends_with(['s', 'S'])
                && among(word.get(..word.len() - 1).unwrap_or_default(), PLAIN_WITH_S)
    };
    let http3 = contains_ignoring_case(protocol, "http/3");
    (http3 || words().any(encrypting)) && !protocol_denies_encryption(protocol)
}

/// Whether a flow's protocol says outright that it is not encrypted (`HTTP (no TLS)`).
fn protocol_denies_encryption(protocol: &str) -> bool {
    protocol
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| NEGATIONS.iter().any(|w| word.eq_ignore_ascii_case(w)))
}

/// What the flows need to know of their endpoints, in small lists read in the flows' order: at
/// 100,000 elements, visiting each flow's two elements where they lie missed the cache four
/// times per flow.
struct Endpoints {
    /// The innermost enclosing boundary. Two elements are in the same chain of boundaries
    /// exactly when their innermost ones are the same (a chain is its innermost boundary's
    /// chain, with that boundary in front).
    innermost: Vec<Option<ElementIdx>>,
    /// Actors and external systems: the internet, where they send from across a boundary.
    outside: Vec<bool>,
    /// The element's node in the graph (boundaries have none).
    node: Vec<Option<NodeIndex>>,
    inbound: Vec<usize>,
    outbound: Vec<usize>,
    internet_facing: Vec<bool>,
    /// Declares `mtls`: it takes connections over mutual TLS only, so every flow to it is
    /// encrypted.
    mutual_tls: Vec<bool>,
}

pub fn derive(model: &mut Model) {
    let count = model.elements.len();
    let mut ends = Endpoints {
        innermost: model
            .elements
            .iter()
            .map(|e| e.boundaries.first().copied())
            .collect(),
        outside: model
            .elements
            .iter()
            .map(|e| matches!(e.kind, ElementKind::Actor | ElementKind::External))
            .collect(),
        node: Vec::with_capacity(count),
        inbound: vec![0; count],
        outbound: vec![0; count],
        internet_facing: model
            .elements
            .iter()
            .map(|e| e.properties.tags.iter().any(|t| t == "internet_facing"))
            .collect(),
        mutual_tls: model
            .elements
            .iter()
            .map(|e| e.properties.controls.iter().any(|c| c == "mtls"))
            .collect(),
    };
    model.graph.reserve_nodes(count);
    model.graph.reserve_edges(model.flows.len());
    for (index, element) in model.elements.iter().enumerate() {
        let node = (element.kind != ElementKind::Boundary)
            .then(|| model.graph.add_node(ElementIdx::new(index)));
        ends.node.push(node);
    }
    for (index, flow) in model.flows.iter_mut().enumerate() {
        let (source, target) = (flow.source.index(), flow.target.index());
        let innermost = |element: usize| ends.innermost.get(element).copied().flatten();
        let crosses = innermost(source) != innermost(target);
        let protocol = flow.protocol.as_deref().unwrap_or("");
        let to_mutual_tls = ends.mutual_tls.get(target).copied().unwrap_or(false);
        flow.encrypted = flow
            .properties
            .controls
            .iter()
            .any(|c| ENCRYPTING_CONTROLS.contains(&c.as_str()))
            || protocol_encrypted(protocol)
            || to_mutual_tls && !protocol_denies_encryption(protocol);
        flow.max_classification = flow
            .data
            .iter()
            .filter_map(|d| model.data.get(d.index()))
            .map(|d| d.classification)
            .max();
        flow.crosses_boundary = crosses;
        if let Some(count) = ends.outbound.get_mut(source) {
            *count += 1;
        }
        if let Some(count) = ends.inbound.get_mut(target) {
            *count += 1;
        }
        if crosses && ends.outside.get(source).copied().unwrap_or(false) {
            if let Some(facing) = ends.internet_facing.get_mut(target) {
                *facing = true;
            }
        }
        let node = |element: usize| ends.node.get(element).copied().flatten();
        if let (Some(source), Some(target)) = (node(source), node(target)) {
            model.graph.add_edge(source, target, FlowIdx::new(index));
        }
    }
    let data = &model.data;
    for (index, element) in model.elements.iter_mut().enumerate() {
        element.inbound = ends.inbound.get(index).copied().unwrap_or(0);
        element.outbound = ends.outbound.get(index).copied().unwrap_or(0);
        element.internet_facing = ends.internet_facing.get(index).copied().unwrap_or(false);
        element.node = ends.node.get(index).copied().flatten();
        element.max_classification = element
            .stores
            .iter()
            .filter_map(|d| data.get(d.index()))
            .map(|d| d.classification)
            .max();
    }
}

/// True when `text` contains `word` (lowercase ASCII) in any case, without lowering a copy.
fn contains_ignoring_case(text: &str, word: &str) -> bool {
    let word = word.as_bytes();
    !word.is_empty()
        && text
            .as_bytes()
            .windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word))
}

/// Advice that needs the whole model: an element tagged `llm` without `use llm`.
pub fn hints(decls: &Decls, model: &Model, sink: &mut Diagnostics) {
    if decls.packs.iter().any(|p| p == "llm") {
        return;
    }
    if let Some(element) = model
        .elements
        .iter()
        .find(|e| e.properties.tags.iter().any(|t| t == "llm"))
    {
        sink.push(
            Diagnostic::new(codes::W0004, element.name_span, format!("`{}` is tagged `llm`, but the model does not use the llm rule pack", element.id))
                .label("an LLM")
                .with_help("add `use llm` to get threats for prompt injection, output handling and data sent to the model"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::protocol_encrypted;

    #[test]
    fn a_protocol_is_encrypted_when_a_word_says_so_and_none_says_otherwise() {
        for encrypted in [
            "HTTPS",
            "HTTPS/REST",
            "gRPC over TLS",
            "Native/TLS",
            "TLSv1.3",
            "SSL/TLS",
            "PostgreSQL (sslmode=require)",
            "SSH",
            "SFTP",
            "wss",
            "SMTPS",
            "LDAPS",
            "FTPS",
            "IMAPS",
            "AMQPS",
            "MQTTS",
            "gRPCs",
            "HTTP/3",
            "QUIC",
            "mTLS",
            "SMTP with STARTTLS",
            "IPsec tunnel",
            "WireGuard",
        ] {
            assert!(protocol_encrypted(encrypted), "{encrypted}");
        }
        for plain in [
            "",
            "HTTP",
            "HTTP (no TLS)",
            "plain HTTP, TLS disabled",
            "ODBC",
            "SMTP",
            "gRPC",
            "FTP",
            "Node RPC",
            "TLS optional",
            "s",
            "WebSocket",
            "Postgres without SSL",
        ] {
            assert!(!protocol_encrypted(plain), "{plain}");
        }
    }
}
