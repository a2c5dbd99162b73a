//! Comparing two versions of a folder's tree straight from their raw data (entries
//! `mode name\0id`, in git's order), without decoding the entries both hold.
//!
//! A commit changes a few files of a folder of thousands, so most of the work is
//! stepping over the entries both versions hold byte for byte. The common bytes are
//! found in large blocks; where the entries in them start comes from a list of the
//! newer version's entry starts ([`starts`]), and the walk makes the same list for the
//! older version as it goes: the entries it skips start at the same distances in both,
//! and it decodes those that differ. Walking a history newest first, a commit's older
//! version is the next commit's newer one, so each version's list is made once, by
//! stepping through it, and then handed from one comparison to the next.

use super::HistoryError;
use gix::objs::tree::EntryRef;
use std::cmp::Ordering;

/// Where each entry of a tree starts, in order, and then the tree's length.
pub type Starts = Vec<u32>;

/// The entry starts of `data`, stepping from each name's end (its NUL) over the id. A
/// damaged tree's list stops where it stops making sense; decoding an entry there then
/// reports the damage.
pub fn starts(data: &[u8], hash: gix::hash::Kind) -> Starts {
    let mut starts = vec![];
    let mut at = 0;
    while at < data.len() {
        starts.push(at as u32);
        match find_nul(&data[at..]) {
            Some(nul) if at + nul + 1 + hash.len_in_bytes() <= data.len() => at += nul + 1 + hash.len_in_bytes(),
            _ => break,
        }
    }
    starts.push(data.len() as u32);
    starts
}

/// A pair of entries that differ: the same name with another id, or an entry on one
/// side only.
pub type Pair<'a> = (Option<EntryRef<'a>>, Option<EntryRef<'a>>);

/// A merge pass over two versions of a tree, yielding the entries that differ.
pub struct Walk<'a> {
    old: &'a [u8],
    new: &'a [u8],
    /// Positions of the cursors in `old` and `new`: entry starts.
    at: (usize, usize),
    new_starts: &'a [u32],
    old_starts: Starts,
    hash: gix::hash::Kind,
}

impl<'a> Walk<'a> {
    /// A walk over `old` and `new` (empty for an absent tree), `new_starts` being
    /// `new`'s entry starts.
    pub fn new(old: &'a [u8], new: &'a [u8], new_starts: &'a [u32], hash: gix::hash::Kind) -> Walk<'a> {
        Walk { old, new, at: (0, 0), new_starts, old_starts: vec![], hash }
    }

    /// The next pair of entries that differ; `None` at the end of both trees.
    pub fn next_pair(&mut self) -> Result<Option<Pair<'a>>, HistoryError> {
        loop {
            self.skip_same();
            let (x, y) = (peek(self.old, self.at.0, self.hash)?, peek(self.new, self.at.1, self.hash)?);
            let order = match (&x, &y) {
                (Some((x, _)), Some((y, _))) => git_order(x, y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => return Ok(None),
            };
            let left = x.filter(|_| order != Ordering::Greater);
            let right = y.filter(|_| order != Ordering::Less);
            if let Some((_, len)) = left {
                self.old_starts.push(self.at.0 as u32);
                self.at.0 += len;
            }
            if let Some((_, len)) = right {
                self.at.1 += len;
            }
            let (left, right) = (left.map(|(e, _)| e), right.map(|(e, _)| e));
            if left.map(|e| e.oid) != right.map(|e| e.oid) {
                return Ok(Some((left, right)));
            }
        }
    }

    /// The older tree's entry starts, once [`Walk::next_pair`] has reached the end.
    pub fn old_starts(mut self) -> Starts {
        self.old_starts.push(self.old.len() as u32);
        self.old_starts
    }

    /// Steps both cursors over the whole entries the trees hold byte for byte from
    /// there, noting where they start in the older tree.
    fn skip_same(&mut self) {
        let (a, b) = self.at;
        let limit = b + common_prefix(&self.old[a..], &self.new[b..]);
        let from = self.new_starts.partition_point(|&s| (s as usize) < b);
        let to = self.new_starts.partition_point(|&s| (s as usize) <= limit).saturating_sub(1);
        if self.new_starts.get(from) != Some(&(b as u32)) {
            return; // Not this tree's list: step nothing rather than mis-step.
        }
        let (Some(skipped), Some(&end)) = (self.new_starts.get(from..to), self.new_starts.get(to)) else { return };
        self.old_starts.extend(skipped.iter().map(|&s| s - b as u32 + a as u32));
        let skip = end as usize - b;
        self.at = (a + skip, b + skip);
    }
}

/// The entry at `at` and its length in bytes, decoded; `None` at the end.
fn peek(data: &[u8], at: usize, hash: gix::hash::Kind) -> Result<Option<(EntryRef<'_>, usize)>, HistoryError> {
    let rest = &data[at..];
    let mut iter = gix::objs::TreeRefIter::from_bytes(rest, hash);
    match iter.next().transpose() {
        Ok(entry) => Ok(entry.map(|e| (e, iter.offset_to_next_entry(rest)))),
        Err(err) => Err(HistoryError::Git(err.to_string())),
    }
}

/// Git's order of tree entries: a folder sorts as if its name ended in `/`.
fn git_order(a: &EntryRef<'_>, b: &EntryRef<'_>) -> Ordering {
    // The common case, the same name on both sides, without walking the bytes twice.
    if a.filename == b.filename && a.mode.is_tree() == b.mode.is_tree() {
        return Ordering::Equal;
    }
    fn key<'e>(e: &EntryRef<'e>) -> impl Iterator<Item = u8> + 'e {
        e.filename.iter().copied().chain(e.mode.is_tree().then_some(b'/'))
    }
    key(a).cmp(key(b))
}

/// How many leading bytes two slices share, compared in blocks.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..len].iter().zip(&b[at..len]).take_while(|(x, y)| x == y).count()
}

/// Where the first NUL byte is, eight bytes at a time: it ends each entry's name.
fn find_nul(data: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = data.chunks_exact(8);
    for (n, chunk) in chunks.by_ref().enumerate() {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // The lowest byte set here is the first zero byte (higher ones may be false).
        let zero = word.wrapping_sub(ONES) & !word & HIGHS;
        if zero != 0 {
            return Some(n * 8 + (zero.trailing_zeros() / 8) as usize);
        }
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| b == 0).map(|at| data.len() - rest.len() + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1: gix::hash::Kind = gix::hash::Kind::Sha1;

    /// A tree's raw data from (name, is a folder, id byte) entries, sorted as git does.
    fn tree(entries: &[(String, bool, u8)]) -> Vec<u8> {
        let mut sorted = entries.to_vec();
        sorted.sort_by_key(|(name, folder, _)| format!("{name}{}", if *folder { "/" } else { "" }));
        let mut data = vec![];
        for (name, folder, id) in sorted {
            data.extend_from_slice(if folder { b"40000 " } else { b"100644 " });
            data.extend_from_slice(name.as_bytes());
            data.push(0);
            // Ids with NULs in them, as real ones have; ids in the same four share all
            // but their last byte (a difference at an entry's very end), which is the
            // id itself.
            data.extend((0..19u8).map(|n| if n % 7 == 0 { 0 } else { (id / 4).wrapping_add(n) }));
            data.push(id);
        }
        data
    }

    /// A pair of entries as (name, old id, new id).
    type Named = (String, Option<u8>, Option<u8>);

    /// Every pair a walk yields, and the old tree's starts.
    fn walk(old: &[u8], new: &[u8]) -> (Vec<Named>, Starts) {
        let new_starts = starts(new, SHA1);
        let mut walk = Walk::new(old, new, &new_starts, SHA1);
        let mut pairs = vec![];
        while let Some((x, y)) = walk.next_pair().unwrap() {
            let name = x.or(y).unwrap().filename.to_string();
            let id = |e: EntryRef<'_>| e.oid.as_bytes()[19];
            pairs.push((name, x.map(id), y.map(id)));
        }
        (pairs, walk.old_starts())
    }

    /// What a walk must yield, from the entries themselves.
    fn expected(old: &[(String, bool, u8)], new: &[(String, bool, u8)]) -> Vec<Named> {
        let key = |(name, folder, _): &(String, bool, u8)| format!("{name}{}", if *folder { "/" } else { "" });
        let mut keys: Vec<String> = old.iter().chain(new).map(key).collect();
        keys.sort();
        keys.dedup();
        let find = |side: &[(String, bool, u8)], k: &String| side.iter().find(|e| key(e) == *k).map(|e| e.2);
        let pairs = keys.iter().map(|k| (k.trim_end_matches('/').to_owned(), find(old, k), find(new, k)));
        pairs.filter(|(_, a, b)| a != b).collect()
    }

    #[test]
    fn a_walk_yields_what_differs_and_the_older_trees_starts() {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..300 {
            let count = next(60) as usize;
            let old: Vec<(String, bool, u8)> =
                (0..count).map(|n| (format!("S-{}.md", n * 3), next(10) == 0, next(200) as u8)).collect();
            let mut new = old.clone();
            for _ in 0..next(5) {
                match next(3) {
                    0 if !new.is_empty() => {
                        let at = next(new.len() as u64) as usize;
                        new[at].2 = new[at].2.wrapping_add(1);
                    }
                    1 if !new.is_empty() => {
                        new.remove(next(new.len() as u64) as usize);
                    }
                    _ => new.push((format!("S-{}.md", next(200)), next(10) == 0, next(200) as u8)),
                }
            }
            new.sort();
            new.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
            let (old_data, new_data) = (tree(&old), tree(&new));
            let (pairs, old_starts) = walk(&old_data, &new_data);
            assert_eq!(pairs, expected(&old, &new), "round {round}");
            assert_eq!(old_starts, starts(&old_data, SHA1), "round {round}");
        }
    }

    #[test]
    fn absent_trees_and_a_folder_beside_a_file_of_the_same_name() {
        let entries = vec![("a".to_owned(), false, 1), ("a".to_owned(), true, 2), ("b.md".to_owned(), false, 3)];
        let data = tree(&entries);
        let (pairs, old_starts) = walk(&[], &data);
        assert_eq!(pairs, expected(&[], &entries));
        assert_eq!(old_starts, vec![0]);
        let (pairs, old_starts) = walk(&data, &[]);
        assert_eq!(pairs, expected(&entries, &[]));
        assert_eq!(old_starts, starts(&data, SHA1));
    }

    #[test]
    fn a_damaged_tree_is_an_error_not_a_panic() {
        let data = tree(&[("a.md".to_owned(), false, 1), ("b.md".to_owned(), false, 2)]);
        for cut in 1..data.len() {
            let new_starts = starts(&data[..cut], SHA1);
            let mut walk = Walk::new(&data, &data[..cut], &new_starts, SHA1);
            while let Ok(Some(_)) = walk.next_pair() {}
        }
    }
}
