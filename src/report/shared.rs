//! Text made once for each mitigation list that many threats share.
//!
//! A rule's mitigations without `{{ }}` holes are one list shared by all its threats (about
//! 60% of a large report's threats). Escaping such a list for Markdown or JSON gives the same
//! bytes every time, so the writers make them once per list and copy them after: at 170,000
//! threats the escaping checks were a tenth of writing each output.

use crate::Map;
use std::sync::Arc;

/// Each shared list's text in one output syntax, keyed by the list's address (a list lives as
/// long as the report, so no other list can take its address while this exists).
pub(crate) struct PerList<T> {
    made: Map<usize, T>,
}

impl<T> Default for PerList<T> {
    fn default() -> Self {
        PerList {
            made: Map::default(),
        }
    }
}

/// Text a list can be written into and appended to: `String` for Markdown, `Vec<u8>` for JSON.
pub(crate) trait Text: Default {
    fn append(&mut self, text: &Self);
}

impl Text for String {
    fn append(&mut self, text: &Self) {
        self.push_str(text);
    }
}

impl Text for Vec<u8> {
    fn append(&mut self, text: &Self) {
        self.extend_from_slice(text);
    }
}

impl<T: Text> PerList<T> {
    /// Writes `list` into `out` as `write` does. A list no other threat holds is written in
    /// place; a shared one is written once, the first time, and copied after.
    pub(crate) fn write(
        &mut self,
        list: &Arc<[Arc<str>]>,
        out: &mut T,
        write: impl Fn(&mut T, &[Arc<str>]),
    ) {
        if Arc::strong_count(list) < 2 {
            return write(out, list);
        }
        let key = Arc::as_ptr(list).cast::<u8>() as usize;
        let made = self.made.entry(key).or_insert_with(|| {
            let mut text = T::default();
            write(&mut text, list);
            text
        });
        out.append(made);
    }
}

#[cfg(test)]
mod tests {
    use super::PerList;
    use std::sync::Arc;

    #[test]
    fn a_shared_list_is_written_once_and_a_lone_one_every_time() {
        let shared: Arc<[Arc<str>]> = Arc::from(vec![Arc::from("a"), Arc::from("b")]);
        let again = shared.clone();
        let lone: Arc<[Arc<str>]> = Arc::from(vec![Arc::from("c")]);
        let made = std::cell::Cell::new(0);
        let write = |out: &mut String, items: &[Arc<str>]| {
            made.set(made.get() + 1);
            out.push_str(&items.join("; "));
            out.push('|');
        };
        let mut lists = PerList::default();
        let mut out = String::new();
        for list in [&shared, &again, &lone, &shared, &lone] {
            lists.write(list, &mut out, write);
        }
        assert_eq!(out, "a; b|a; b|c|a; b|c|");
        assert_eq!(made.get(), 3);
    }
}
