//! The LSH band table of the stored first-seen articles, kept in memory by the connection that
//! plans batches: read once from table `signatures` (one MinHash blob per first-seen article),
//! then caught up with the rows written since, by anyone, before each batch is planned. It
//! replaces 42 B-tree inserts per article on the write path with one append.
//!
//! Each band key is held as a 32-bit fingerprint beside the article's `signatures.seq`, about
//! 0.5 kB per article. A fingerprint can be shared by chance or go stale (a changed article's
//! old signature), so the caller confirms every candidate against its stored signature
//! ([`Signature::shares_band`]): the candidates are exactly the stored articles that share a
//! band key, as with an on-disk table.

use eventwire_resolve::dedup::{band_keys, Signature};
use hashbrown::HashTable;
use rusqlite::Connection;

/// Band-key fingerprints of the stored first-seen articles.
#[derive(Default)]
pub(crate) struct BandIndex {
    /// (fingerprint of a band key, position in `seqs`); a fingerprint may repeat.
    table: HashTable<(u32, u32)>,
    /// `signatures.seq` of each indexed article.
    seqs: Vec<i64>,
    /// The highest `signatures.seq` read.
    last_seq: i64,
}

fn fingerprint(key: u64) -> u32 {
    (key >> 32) as u32
}

/// Spreads a fingerprint over 64 bits: the table uses the hash's top bits as tags.
fn spread(fingerprint: u32) -> u64 {
    u64::from(fingerprint).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

impl BandIndex {
    /// Indexes the signatures stored since the last call (all of them the first time).
    pub(crate) fn catch_up(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut rows = conn
            .prepare_cached("SELECT seq, signature FROM signatures WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = rows.query([self.last_seq])?;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            self.last_seq = seq;
            // A malformed blob cannot be confirmed as a candidate: leave it out.
            if let Some(sig) = Signature::from_bytes(row.get_ref(1)?.as_blob()?) {
                self.add(seq, &sig);
            }
        }
        Ok(())
    }

    fn add(&mut self, seq: i64, sig: &Signature) {
        let position = self.seqs.len() as u32;
        self.seqs.push(seq);
        for key in band_keys(sig) {
            let fp = fingerprint(key);
            self.table
                .insert_unique(spread(fp), (fp, position), |&(fp, _)| spread(fp));
        }
    }

    /// The `signatures.seq` of every indexed article with a band-key fingerprint in common
    /// with `sig`, each once, oldest first.
    pub(crate) fn candidates(&self, sig: &Signature) -> Vec<i64> {
        let mut positions: Vec<u32> = Vec::new();
        for key in band_keys(sig) {
            let fp = fingerprint(key);
            positions.extend(
                self.table
                    .iter_hash(spread(fp))
                    .filter(|(f, _)| *f == fp)
                    .map(|(_, p)| *p),
            );
        }
        positions.sort_unstable();
        positions.dedup();
        positions.iter().map(|&p| self.seqs[p as usize]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Azerbaijan said on Wednesday it had halted its military offensive in \
        Nagorno-Karabakh after separatist Armenian forces agreed to lay down their arms under a \
        ceasefire brokered by Russian peacekeepers, the defence ministry said in a statement.";

    #[test]
    fn articles_sharing_a_band_are_candidates() {
        let other = Signature::of(
            "The central bank raised interest rates by a quarter of a percentage point on \
             Thursday, citing stubborn inflation in services and a tight labour market.",
        );
        let mut index = BandIndex::default();
        index.add(7, &Signature::of(STORY));
        index.add(9, &other);
        let copy = Signature::of(&format!("{STORY} Read more on our site."));
        assert_eq!(index.candidates(&copy), vec![7]);
        assert_eq!(index.candidates(&other), vec![9]);
        assert!(index.candidates(&Signature::default()).is_empty());
    }
}
