//! Tree versions held as pieces of other buffers: the version a delta makes of a base
//! held in memory, without copying the base.
//!
//! A commit changes a few entries of a folder of thousands, so the delta that makes one
//! version of its 370 KB tree from the next is a few copies of the base and an insert
//! of the entries that differ. Applied as pieces (ranges of the base's buffers and of
//! the delta's), a version costs its instructions, not a copy of the tree; and a walk
//! comparing it with its base ([`super::tree`]) skips the pieces both hold from the
//! same buffer without reading them.

use super::delta::{self, BadDelta, Op};
use std::rc::Rc;

/// Bytes as a list of pieces of shared buffers.
#[derive(Clone, Default)]
pub struct Rope {
    pieces: Vec<Piece>,
    len: usize,
}

/// A range of a buffer, and where it starts in the rope.
#[derive(Clone)]
struct Piece {
    buf: Rc<Vec<u8>>,
    start: usize,
    end: usize,
    at: usize,
}

impl Piece {
    fn end_at(&self) -> usize {
        self.at + self.end - self.start
    }
}

/// Where a rope's bytes come from: a buffer (by address) and an offset in it. Two ropes'
/// bytes with the same origin are the same bytes.
pub type Origin = (usize, usize);

impl Rope {
    /// A rope of one whole buffer.
    pub fn whole(buf: Rc<Vec<u8>>) -> Rope {
        let mut rope = Rope::default();
        let len = buf.len();
        rope.push(&buf, 0, len);
        rope
    }

    /// The object `delta` makes of `base`, as pieces of `base`'s buffers and of `delta`.
    pub fn apply(base: &Rope, delta: &Rc<Vec<u8>>) -> Result<Rope, BadDelta> {
        let (ops, _) = delta::ops(base.len, delta)?;
        let mut out = Rope::default();
        for op in ops {
            match op? {
                Op::Copy(from, to) => base.slice_into(from, to, &mut out),
                Op::Insert(from, to) => out.push(delta, from, to),
            }
        }
        Ok(out)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// How many pieces the rope is made of.
    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }

    /// The bytes in one slice, when they are in one piece (or none).
    pub fn contiguous(&self) -> Option<&[u8]> {
        match self.pieces.as_slice() {
            [] => Some(&[]),
            [p] => Some(&p.buf[p.start..p.end]),
            _ => None,
        }
    }

    /// The bytes in one slice: borrowed when they are in one piece, else copied.
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.contiguous() {
            Some(bytes) => bytes.into(),
            None => self.to_vec().into(),
        }
    }

    /// The bytes, copied into one buffer.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len);
        for p in &self.pieces {
            out.extend_from_slice(&p.buf[p.start..p.end]);
        }
        out
    }

    /// The buffer the rope is, when it is one whole buffer no one else holds: to decode
    /// another version into.
    pub fn into_vec(mut self) -> Option<Vec<u8>> {
        match self.pieces.pop() {
            Some(p) if self.pieces.is_empty() && p.start == 0 && p.end == p.buf.len() => Rc::try_unwrap(p.buf).ok(),
            _ => None,
        }
    }

    /// The bytes from `at` to the end of the piece holding them (none at the end), and
    /// their origin.
    pub fn chunk(&self, at: usize) -> (&[u8], Origin) {
        let n = self.pieces.partition_point(|p| p.end_at() <= at);
        match self.pieces.get(n) {
            Some(p) => {
                let from = p.start + (at - p.at);
                (&p.buf[from..p.end], (Rc::as_ptr(&p.buf) as usize, from))
            }
            None => (&[], (0, 0)),
        }
    }

    /// Appends to `out` the pieces of the bytes from `from` to `to`.
    fn slice_into(&self, from: usize, to: usize, out: &mut Rope) {
        let mut n = self.pieces.partition_point(|p| p.end_at() <= from);
        let mut at = from;
        while at < to {
            let p = &self.pieces[n];
            let start = p.start + (at - p.at);
            let end = p.end.min(start + (to - at));
            out.push(&p.buf, start, end);
            at += end - start;
            n += 1;
        }
    }

    /// Appends a range of `buf`, joined to the last piece when it continues it.
    fn push(&mut self, buf: &Rc<Vec<u8>>, start: usize, end: usize) {
        if start == end {
            return;
        }
        match self.pieces.last_mut() {
            Some(last) if Rc::ptr_eq(&last.buf, buf) && last.end == start => last.end = end,
            _ => self.pieces.push(Piece { buf: buf.clone(), start, end, at: self.len }),
        }
        self.len += end - start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::delta::write;

    /// Random deltas applied as pieces give what they give applied to bytes, over
    /// chains of versions, each the base of the next (as a pack's chains are).
    #[test]
    fn a_delta_applied_as_pieces_gives_its_bytes() {
        let mut seed = 11u64;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
        for round in 0..200 {
            let first: Vec<u8> = (0..next(3000)).map(|n| (n % 251) as u8).collect();
            let (mut bytes, mut rope) = (first.clone(), Rope::whole(Rc::new(first)));
            for _ in 0..next(12) {
                let mut delta = vec![];
                let mut out = 0;
                for _ in 0..next(8) {
                    let len = if next(2) == 0 && !bytes.is_empty() {
                        let from = next(bytes.len());
                        let len = 1 + next((bytes.len() - from).min(0xffff));
                        write::copy(&mut delta, from, len);
                        len
                    } else {
                        let inserted: Vec<u8> = (0..1 + next(20)).map(|_| next(256) as u8).collect();
                        write::insert(&mut delta, &inserted);
                        inserted.len()
                    };
                    out += len;
                }
                let mut whole = write::header(bytes.len(), out);
                whole.extend(delta);
                let delta = Rc::new(whole);
                let mut flat = vec![];
                delta::apply(&bytes, &delta, &mut flat).unwrap();
                rope = Rope::apply(&rope, &delta).unwrap();
                bytes = flat;
                assert_eq!(rope.to_vec(), bytes, "round {round}");
                assert_eq!(rope.len(), bytes.len(), "round {round}");
            }
            for at in [0, bytes.len() / 2, bytes.len()] {
                let (chunk, _) = rope.chunk(at);
                assert_eq!(chunk, &bytes[at..at + chunk.len()], "round {round}");
                assert_eq!(chunk.is_empty(), at == bytes.len(), "round {round}");
            }
        }
    }

    #[test]
    fn a_bad_delta_is_an_error_as_pieces_too() {
        let base = Rope::whole(Rc::new(b"0123456789".to_vec()));
        for delta in [&[9u8, 1, 1, b'a'][..], &[10, 2, 0x91, 9, 2], &[10, 3, 0x91, 0, 2], &[10, 1, 2, b'a', b'b']] {
            let mut flat = vec![];
            let expected = delta::apply(b"0123456789", delta, &mut flat).unwrap_err();
            assert_eq!(Rope::apply(&base, &Rc::new(delta.to_vec())).err(), Some(expected), "{delta:?}");
        }
    }
}
