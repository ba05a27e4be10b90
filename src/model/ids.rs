//! Element id → element, the lookup every flow endpoint, threat and decision goes through.
//!
//! The ids are kept one after another in a single string and the table holds only small
//! numbers, so a lookup reads a few compact arrays (about 2 MB at 100,000 elements) instead of
//! a table of `String`s whose texts lie wherever they were allocated: at that size a map keyed by
//! `String` missed the cache twice per lookup, and resolving the flows took 25 times as long
//! as at 10,000 elements for 10 times the work.

use super::ElementIdx;
use foldhash::fast::FixedState;
use hashbrown::HashTable;
use std::hash::BuildHasher;

#[derive(Clone, Default)]
pub struct IdIndex {
    /// Every id, one after another, in the order they were inserted.
    text: String,
    /// Where each entry's id ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
    values: Vec<ElementIdx>,
    /// Entry numbers, hashed by their id.
    table: HashTable<u32>,
    /// A fixed seed: the table's layout never reaches the output, and the same order of
    /// inserts gives the same table every run.
    hasher: FixedState,
}

impl IdIndex {
    pub fn reserve(&mut self, additional: usize) {
        self.ends.reserve(additional);
        self.values.reserve(additional);
        let Self {
            text,
            ends,
            table,
            hasher,
            ..
        } = self;
        table.reserve(additional, |&entry| {
            hasher.hash_one(id_at(text, ends, entry))
        });
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn id(&self, entry: u32) -> &str {
        id_at(&self.text, &self.ends, entry)
    }

    pub fn get(&self, id: &str) -> Option<ElementIdx> {
        let hash = self.hasher.hash_one(id);
        let entry = self.table.find(hash, |&entry| self.id(entry) == id)?;
        self.values.get(*entry as usize).copied()
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Adds `id` unless it is there already; returns whether it was added (an id's first
    /// element keeps it, as with a map's `entry().or_insert`).
    pub fn insert(&mut self, id: &str, value: ElementIdx) -> bool {
        let hash = self.hasher.hash_one(id);
        let Self {
            text,
            ends,
            values,
            table,
            hasher,
        } = self;
        if table
            .find(hash, |&entry| id_at(text, ends, entry) == id)
            .is_some()
        {
            return false;
        }
        let Ok(entry) = u32::try_from(ends.len()) else {
            return false;
        };
        text.push_str(id);
        ends.push(text.len());
        values.push(value);
        table.insert_unique(hash, entry, |&entry| {
            hasher.hash_one(id_at(text, ends, entry))
        });
        true
    }

    /// The ids and their elements, in the order they were inserted.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ElementIdx)> + '_ {
        (0..self.ends.len()).filter_map(move |entry| {
            let value = *self.values.get(entry)?;
            Some((self.id(u32::try_from(entry).ok()?), value))
        })
    }
}

fn id_at<'t>(text: &'t str, ends: &[usize], entry: u32) -> &'t str {
    let entry = entry as usize;
    let end = ends.get(entry).copied().unwrap_or(0);
    let start = match entry.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    text.get(start..end).unwrap_or_default()
}

impl std::fmt::Debug for IdIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_and_keeps_the_first() {
        let mut ids = IdIndex::default();
        ids.reserve(3);
        for (n, id) in ["api", "db", "", "a", "ap"].iter().enumerate() {
            assert!(ids.insert(id, ElementIdx::new(n)));
        }
        assert!(!ids.insert("db", ElementIdx::new(9)));
        assert_eq!(ids.get("db"), Some(ElementIdx::new(1)));
        assert_eq!(ids.get(""), Some(ElementIdx::new(2)));
        assert_eq!(ids.get("ap"), Some(ElementIdx::new(4)));
        assert_eq!(ids.get("apx"), None);
        assert_eq!(ids.len(), 5);
        let listed: Vec<_> = ids.iter().map(|(id, _)| id).collect();
        assert_eq!(listed, ["api", "db", "", "a", "ap"]);
    }

    #[test]
    fn grows_past_its_reservation() {
        let mut ids = IdIndex::default();
        for n in 0..10_000 {
            ids.insert(&format!("e{n}"), ElementIdx::new(n));
        }
        for n in (0..10_000).step_by(7) {
            assert_eq!(ids.get(&format!("e{n}")), Some(ElementIdx::new(n)));
        }
        assert_eq!(ids.get("e10000"), None);
    }
}
