//! The RFC 9162 Merkle tree over the journal (SPEC §8): leaf `i` is entry
//! `seq = i + 1`, its leaf hash SHA-256(0x00 ‖ the 32 bytes of the entry's
//! hash). The tree's stored hashes use the layout of Go's sumdb `tlog` (and
//! C2SP tlog-tiles), computed by the `tlog_tiles` crate: each append stores
//! the new leaf and the interior nodes it completes, O(log n) of them, in
//! the `tree` table and in the append's transaction.

use rusqlite::{Connection, OptionalExtension, params};
use tlog_tiles::{Hash, HashReader, record_hash, split_stored_hash_index, stored_hash_index};

use crate::error::{Error, Result};

/// The leaf hash of the entry whose hash is `hex`.
pub fn leaf(hex: &str) -> Result<Hash> {
    Ok(record_hash(&hash_bytes(hex)?))
}

/// The 32 bytes of the entry hash `hex`: what authors sign.
pub fn hash_bytes(hex: &str) -> Result<[u8; 32]> {
    decode_hex(hex).ok_or_else(|| Error::Integrity(format!("entry hash {hex:?} is not 64 hex digits")))
}

fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let digits = hex.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let text = std::str::from_utf8(pair).ok()?;
        *byte = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// The right edge of a tree: for each level, the last node stored there.
/// It is all that appending needs, so a tree of any size is extended in
/// constant memory.
#[derive(Debug, Clone, Default)]
pub struct Edge {
    size: u64,
    last: Vec<Option<(u64, Hash)>>,
}

impl Edge {
    /// The right edge of the tree of `size` leaves stored in `conn`.
    pub fn at(conn: &Connection, size: u64) -> Result<Edge> {
        let mut last = Vec::new();
        for level in 0..64u8 {
            let n = size >> level;
            if n == 0 {
                break;
            }
            let index = stored_hash_index(level, n - 1);
            last.push(Some((index, read(conn, index)?)));
        }
        Ok(Edge { size, last })
    }

    /// Appends the leaf of the entry with hash `hex`: returns the stored
    /// hashes it adds, as (index, hash).
    pub fn push(&mut self, hex: &str) -> Result<Vec<(u64, Hash)>> {
        let n = self.size;
        let hashes = tlog_tiles::stored_hashes_for_record_hash(n, leaf(hex)?, &*self)
            .map_err(|e| Error::Integrity(format!("the Merkle tree cannot be extended: {e}")))?;
        let first = stored_hash_index(0, n);
        let rows: Vec<(u64, Hash)> = hashes
            .into_iter()
            .enumerate()
            .map(|(k, h)| (first + k as u64, h))
            .collect();
        for &(index, hash) in &rows {
            let (level, _) = split_stored_hash_index(index);
            let level = usize::from(level);
            if self.last.len() <= level {
                self.last.resize(level + 1, None);
            }
            self.last[level] = Some((index, hash));
        }
        self.size += 1;
        Ok(rows)
    }
}

impl HashReader for Edge {
    fn read_hashes(&self, indexes: &[u64]) -> std::result::Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&index| {
                let (level, _) = split_stored_hash_index(index);
                match self.last.get(usize::from(level)) {
                    Some(Some((at, hash))) if *at == index => Ok(*hash),
                    _ => Err(tlog_tiles::Error::IndexesNotInTree),
                }
            })
            .collect()
    }
}

/// Stores the hashes one append adds.
pub fn store(conn: &Connection, rows: &[(u64, Hash)]) -> Result<()> {
    let mut insert = conn.prepare_cached("INSERT INTO tree (idx, hash) VALUES (?, ?)")?;
    for (index, hash) in rows {
        insert.execute(params![*index as i64, &hash.0[..]])?;
    }
    Ok(())
}

/// Builds the tree of every entry already in the journal: the migration
/// that gives a revision-1 ledger its tree.
pub fn backfill(conn: &Connection) -> Result<()> {
    let mut edge = Edge::default();
    let mut stmt = conn.prepare("SELECT hash FROM journal ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let hex: String = r.get(0)?;
        store(conn, &edge.push(&hex)?)?;
    }
    Ok(())
}

fn read(conn: &Connection, index: u64) -> Result<Hash> {
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM tree WHERE idx = ?")?
        .query_row([index as i64], |r| r.get(0))
        .optional()?;
    let bytes = bytes.ok_or_else(|| Error::Integrity(format!("the Merkle tree has no stored hash {index}")))?;
    let hash: [u8; 32] = bytes
        .try_into()
        .map_err(|_| Error::Integrity(format!("the Merkle tree's stored hash {index} is not 32 bytes")))?;
    Ok(Hash(hash))
}

/// The stored hashes of a ledger, read on demand: proofs and roots read
/// O(log n) of them.
pub struct Stored<'c>(pub &'c Connection);

impl HashReader for Stored<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> std::result::Result<Vec<Hash>, tlog_tiles::Error> {
        indexes
            .iter()
            .map(|&i| read(self.0, i).map_err(|_| tlog_tiles::Error::IndexesNotInTree))
            .collect()
    }
}

/// The root hash of the first `size` leaves.
pub fn root(conn: &Connection, size: u64) -> Result<Hash> {
    tlog_tiles::tree_hash(size, &Stored(conn)).map_err(|e| Error::Integrity(format!("the Merkle tree: {e}")))
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves, in
/// the order of RFC 9162 §2.1.3.
pub fn inclusion(conn: &Connection, index: u64, size: u64) -> Result<Vec<Hash>> {
    tlog_tiles::prove_record(size, index, &Stored(conn)).map_err(|e| Error::Integrity(format!("the Merkle tree: {e}")))
}

/// The consistency proof between the trees of `old` and `new` leaves, in
/// the order of RFC 9162 §2.1.4.
pub fn consistency(conn: &Connection, old: u64, new: u64) -> Result<Vec<Hash>> {
    tlog_tiles::prove_tree(new, old, &Stored(conn)).map_err(|e| Error::Integrity(format!("the Merkle tree: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlog_tiles::node_hash;

    fn hex(i: u64) -> String {
        format!("{i:064x}")
    }

    /// RFC 9162 §2.1.1's MTH, written out, for leaf hashes `l`.
    fn mth(l: &[Hash]) -> Hash {
        match l.len() {
            0 => tlog_tiles::EMPTY_HASH,
            1 => l[0],
            n => {
                let k = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                node_hash(mth(&l[..k]), mth(&l[k..]))
            }
        }
    }

    #[test]
    fn stored_roots_and_proofs_match_the_rfc_definition_at_every_size() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE tree (idx INTEGER PRIMARY KEY, hash BLOB NOT NULL)")
            .unwrap();
        let mut edge = Edge::default();
        let mut leaves = Vec::new();
        for i in 0..70u64 {
            store(&conn, &edge.push(&hex(i)).unwrap()).unwrap();
            leaves.push(leaf(&hex(i)).unwrap());
            assert_eq!(root(&conn, i + 1).unwrap(), mth(&leaves), "size {}", i + 1);
            // An edge read back from the table extends the same way.
            let mut reread = Edge::at(&conn, i + 1).unwrap();
            let mut kept = edge.clone();
            assert_eq!(reread.push(&hex(999)).unwrap(), kept.push(&hex(999)).unwrap());
        }
        for size in [1u64, 2, 7, 8, 9, 70] {
            let r = root(&conn, size).unwrap();
            for index in 0..size {
                let path = inclusion(&conn, index, size).unwrap();
                tlog_tiles::check_record(&path, size, r, index, leaves[index as usize]).unwrap();
            }
        }
        for (old, new) in [(1u64, 1u64), (1, 2), (3, 7), (4, 8), (6, 70), (64, 70)] {
            let path = consistency(&conn, old, new).unwrap();
            let (old_root, new_root) = (mth(&leaves[..old as usize]), mth(&leaves[..new as usize]));
            tlog_tiles::check_tree(&path, new, new_root, old, old_root).unwrap();
        }
    }

    #[test]
    fn a_hash_that_is_not_hex_is_refused() {
        assert!(leaf("xyz").is_err());
        assert!(leaf(&"g".repeat(64)).is_err());
    }
}
