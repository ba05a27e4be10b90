//! "Did you mean" hints: the closest known names to a mistyped one.

/// The closest candidate, if it is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_many(wanted, candidates, 1).into_iter().next()
}

/// Up to `limit` close candidates, best first; ties keep the candidates' order.
pub fn closest_many<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, usize, &'a str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(order, candidate)| {
            let distance = strsim::osa_distance(&wanted_lower, &candidate.to_lowercase());
            let allowed = (wanted.chars().count().max(candidate.chars().count()) / 3).max(1);
            let prefix = candidate.len() >= 3
                && (candidate.starts_with(wanted) || wanted.starts_with(candidate));
            (distance > 0 && distance <= allowed || prefix && candidate != wanted)
                .then_some((distance, order, candidate))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(limit).map(|(_, _, c)| c).collect()
}

/// True when two words are exactly one edit apart.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    strsim::levenshtein(a, b) == 1 || strsim::damerau_levenshtein(a, b) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let names = ["api_gateway", "api_app", "chatgpt"];
        assert_eq!(closest("api_gatway", names), Some("api_gateway"));
        assert_eq!(closest("chatgtp", names), Some("chatgpt"));
        assert_eq!(closest("billing", names), None);
        assert!(one_edit_apart("technolgy", "technology"));
        assert!(!one_edit_apart("tags", "owner"));
    }
}
