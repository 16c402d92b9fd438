//! [`LabelMap`]: a small sorted map for a selector's `matchLabels`.
//!
//! The program holds every selector of every namespace until emit, and a
//! selector names one to three labels: a `BTreeMap` allocates a node of
//! eleven slots (about 540 bytes for text keys and values) for the first
//! one. A sorted vector holds exactly the entries and iterates in the same
//! order, so what is printed and compared does not change.

use std::borrow::Borrow;
use std::fmt;

/// A map sorted by key, without spare capacity once built; iteration is in
/// key order, as a `BTreeMap`'s, and a repeated key keeps its last value.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabelMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for LabelMap<K, V> {
    fn default() -> LabelMap<K, V> {
        LabelMap {
            entries: Vec::new(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for LabelMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V> LabelMap<K, V> {
    /// An empty map.
    pub fn new() -> LabelMap<K, V> {
        LabelMap::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter {
            inner: self.entries.iter(),
        }
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(key, _)| key)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, value)| value)
    }
}

impl<K: Ord, V> LabelMap<K, V> {
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries
            .binary_search_by(|(have, _)| have.borrow().cmp(key))
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|entry| std::mem::replace(&mut entry.1, value)),
            Err(at) => {
                // Grow by one: a selector's map is built a label at a time
                // and keeps no spare slot.
                self.entries.reserve_exact(1);
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let at = self.find(key).ok()?;
        self.entries.get(at).map(|(_, value)| value)
    }

    /// True when `key` has a value.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }

    /// Removes `key`; the value it had, if any.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let at = self.find(key).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// Drops spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }
}

/// The entries of a [`LabelMap`] in key order, as `(&key, &value)`.
#[derive(Clone, Debug)]
pub struct Iter<'a, K, V> {
    inner: std::slice::Iter<'a, (K, V)>,
}

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<(&'a K, &'a V)> {
        self.inner.next().map(|(key, value)| (key, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(key, value)| (key, value))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a LabelMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<K, V> IntoIterator for LabelMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> std::vec::IntoIter<(K, V)> {
        self.entries.into_iter()
    }
}

impl<K: Ord, V> Extend<(K, V)> for LabelMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (key, value) in entries {
            self.insert(key, value);
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for LabelMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> LabelMap<K, V> {
        let mut map = LabelMap::new();
        map.extend(entries);
        map
    }
}

impl<K: Ord, V> From<std::collections::BTreeMap<K, V>> for LabelMap<K, V> {
    fn from(map: std::collections::BTreeMap<K, V>) -> LabelMap<K, V> {
        LabelMap {
            entries: map.into_iter().collect(),
        }
    }
}

impl<K: Ord, V> From<LabelMap<K, V>> for std::collections::BTreeMap<K, V> {
    fn from(map: LabelMap<K, V>) -> std::collections::BTreeMap<K, V> {
        map.entries.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::LabelMap;

    #[test]
    fn sorted_last_value_wins_like_a_btreemap() {
        let pairs = [("b", 1), ("a", 2), ("c", 3), ("a", 4)];
        let map: LabelMap<&str, i32> = pairs.iter().copied().collect();
        let tree: std::collections::BTreeMap<&str, i32> = pairs.iter().copied().collect();
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            vec![(&"a", &4), (&"b", &1), (&"c", &3)]
        );
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            tree.iter().collect::<Vec<_>>()
        );
        assert_eq!(map.get("a"), Some(&4));
        assert_eq!(map.get("d"), None);
        assert!(map.contains_key("c"));
        assert_eq!(format!("{map:?}"), format!("{tree:?}"));
        let mut smaller = map.clone();
        assert_eq!(smaller.remove("b"), Some(1));
        assert_eq!(smaller.len(), 2);
        let mut smaller_tree = tree.clone();
        smaller_tree.remove("b");
        assert_eq!(smaller.cmp(&map), smaller_tree.cmp(&tree));
        assert_eq!(smaller.cmp(&map), std::cmp::Ordering::Greater);
    }
}
