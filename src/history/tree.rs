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
use super::rope::Rope;
use gix::ObjectId;
use gix::objs::tree::EntryMode;
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

/// One entry of a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: Vec<u8>,
    pub mode: EntryMode,
    pub oid: ObjectId,
}

/// A pair of entries that differ: the same name with another id, or an entry on one
/// side only.
pub type Pair = (Option<Entry>, Option<Entry>);

/// A merge pass over two versions of a tree, yielding the entries that differ.
pub struct Walk<'a> {
    old: &'a Rope,
    new: &'a Rope,
    /// Positions of the cursors in `old` and `new`: entry starts.
    at: (usize, usize),
    new_starts: &'a [u32],
    old_starts: Starts,
    hash: gix::hash::Kind,
}

impl<'a> Walk<'a> {
    /// A walk over `old` and `new` (empty for an absent tree), `new_starts` being
    /// `new`'s entry starts.
    pub fn new(old: &'a Rope, new: &'a Rope, new_starts: &'a [u32], hash: gix::hash::Kind) -> Walk<'a> {
        Walk { old, new, at: (0, 0), new_starts, old_starts: vec![], hash }
    }

    /// The next pair of entries that differ; `None` at the end of both trees.
    pub fn next_pair(&mut self) -> Result<Option<Pair>, HistoryError> {
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
            if left.as_ref().map(|e| e.oid) != right.as_ref().map(|e| e.oid) {
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
        let limit = b + common_prefix(self.old, a, self.new, b);
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
fn peek(data: &Rope, at: usize, hash: gix::hash::Kind) -> Result<Option<(Entry, usize)>, HistoryError> {
    let (chunk, _) = data.chunk(at);
    let whole = find_nul(chunk).is_some_and(|nul| nul + 1 + hash.len_in_bytes() <= chunk.len());
    let gathered;
    let rest = if whole || chunk.is_empty() {
        chunk
    } else {
        gathered = gather(data, at, hash);
        &gathered
    };
    let mut iter = gix::objs::TreeRefIter::from_bytes(rest, hash);
    match iter.next().transpose() {
        Ok(Some(e)) => {
            let entry = Entry { name: e.filename.to_vec(), mode: e.mode, oid: e.oid.to_owned() };
            Ok(Some((entry, iter.offset_to_next_entry(rest))))
        }
        Ok(None) => Ok(None),
        Err(err) => Err(HistoryError::Git(err.to_string())),
    }
}

/// The bytes of the entry at `at` that runs over pieces of `data`, copied: up to its
/// name's end and its id, or to the end of a damaged tree.
fn gather(data: &Rope, at: usize, hash: gix::hash::Kind) -> Vec<u8> {
    let mut out = vec![];
    let mut need = usize::MAX;
    while out.len() < need {
        let (chunk, _) = data.chunk(at + out.len());
        if chunk.is_empty() {
            break;
        }
        let from = out.len();
        out.extend_from_slice(&chunk[..chunk.len().min(need - from)]);
        if need == usize::MAX
            && let Some(nul) = find_nul(&out[from..])
        {
            need = from + nul + 1 + hash.len_in_bytes();
            out.truncate(need);
        }
    }
    out
}

/// Git's order of tree entries: a folder sorts as if its name ended in `/`.
fn git_order(a: &Entry, b: &Entry) -> Ordering {
    // The common case, the same name on both sides, without walking the bytes twice.
    if a.name == b.name && a.mode.is_tree() == b.mode.is_tree() {
        return Ordering::Equal;
    }
    fn key(e: &Entry) -> impl Iterator<Item = u8> + '_ {
        e.name.iter().copied().chain(e.mode.is_tree().then_some(b'/'))
    }
    key(a).cmp(key(b))
}

/// How many bytes two ropes hold alike from `a` in `x` and from `b` in `y`: pieces
/// that come from the same bytes of the same buffer are skipped without reading them,
/// others compared in blocks.
fn common_prefix(x: &Rope, a: usize, y: &Rope, b: usize) -> usize {
    let mut n = 0;
    loop {
        let ((cx, from_x), (cy, from_y)) = (x.chunk(a + n), y.chunk(b + n));
        let len = cx.len().min(cy.len());
        if len == 0 {
            return n;
        }
        let same = if from_x == from_y { len } else { common_bytes(&cx[..len], &cy[..len]) };
        n += same;
        if same < len {
            return n;
        }
    }
}

/// How many leading bytes two slices share, compared in blocks.
fn common_bytes(a: &[u8], b: &[u8]) -> usize {
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
    use crate::history::delta::write;
    use std::rc::Rc;

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
        walk_ropes(&Rope::whole(Rc::new(old.to_vec())), &Rope::whole(Rc::new(new.to_vec())))
    }

    fn walk_ropes(old: &Rope, new: &Rope) -> (Vec<Named>, Starts) {
        let new_starts = starts(&new.bytes(), SHA1);
        let mut walk = Walk::new(old, new, &new_starts, SHA1);
        let mut pairs = vec![];
        while let Some((x, y)) = walk.next_pair().unwrap() {
            let name = String::from_utf8(x.as_ref().or(y.as_ref()).unwrap().name.clone()).unwrap();
            let id = |e: Entry| e.oid.as_bytes()[19];
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
            // The same trees as pieces, as a delta makes the old one of the new one:
            // pieces cut anywhere (inside names and ids too), the bytes both hold from
            // the same buffer, the others from their own.
            let (old_rope, new_rope) = pieces(&old_data, &new_data, &mut next);
            assert_eq!(old_rope.to_vec(), old_data);
            let (pairs, old_starts) = walk_ropes(&old_rope, &new_rope);
            assert_eq!(pairs, expected(&old, &new), "round {round}, as pieces");
            assert_eq!(old_starts, starts(&old_data, SHA1), "round {round}, as pieces");
        }
    }

    /// `old` and `new` as ropes: `new` cut in random pieces of one buffer, and `old`
    /// built by a delta of copies of `new`'s common start and end and an insert of the
    /// middle that differs, cut anywhere.
    fn pieces(old: &[u8], new: &[u8], next: &mut impl FnMut(u64) -> u64) -> (Rope, Rope) {
        let head = common_bytes(old, new);
        let reversed = |bytes: &[u8]| bytes[head..].iter().rev().copied().collect::<Vec<_>>();
        let tail = common_bytes(&reversed(old), &reversed(new));
        let mut delta = write::header(new.len(), old.len());
        for (from, to) in cuts(0, head, 40, next) {
            write::copy(&mut delta, from, to - from);
        }
        for (from, to) in cuts(head, old.len() - tail, 40, next) {
            write::insert(&mut delta, &old[from..to]);
        }
        for (from, to) in cuts(new.len() - tail, new.len(), 40, next) {
            write::copy(&mut delta, from, to - from);
        }
        let mut itself = write::header(new.len(), new.len());
        for (from, to) in cuts(0, new.len(), 100, next) {
            write::copy(&mut itself, from, to - from);
        }
        let new_rope = Rope::apply(&Rope::whole(Rc::new(new.to_vec())), &Rc::new(itself)).unwrap();
        (Rope::apply(&new_rope, &Rc::new(delta)).unwrap(), new_rope)
    }

    /// `from..to` cut in ranges of 1 to `most` bytes, at random.
    fn cuts(from: usize, to: usize, most: u64, next: &mut impl FnMut(u64) -> u64) -> Vec<(usize, usize)> {
        let mut out = vec![];
        let mut at = from;
        while at < to {
            let end = (at + 1 + next(most) as usize).min(to);
            out.push((at, end));
            at = end;
        }
        out
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
        let whole = Rope::whole(Rc::new(data.clone()));
        for cut in 1..data.len() {
            let new_starts = starts(&data[..cut], SHA1);
            let damaged = Rope::whole(Rc::new(data[..cut].to_vec()));
            let mut walk = Walk::new(&whole, &damaged, &new_starts, SHA1);
            while let Ok(Some(_)) = walk.next_pair() {}
        }
    }
}
