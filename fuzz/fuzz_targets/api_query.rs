//! API query strings: any bytes after `GET /api/events?` are parsed as the server parses them
//! (URL decoding, allowed keys, every value checked) into a request or a 400 message; the
//! full-text query built from an accepted request must be valid FTS5 that SQLite runs.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    /// An empty search index of serve's shape, to run the built FTS5 queries against.
    static INDEX: RefCell<rusqlite::Connection> = RefCell::new({
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE serve_search USING fts5(text, actor_sector, recipient_sector, \
             content = '', tokenize = 'unicode61 remove_diacritics 2');\
             INSERT INTO serve_search (rowid, text, actor_sector, recipient_sector) \
             VALUES (1, 'Azerbaijan shelled Stepanakert', 'MIL', 'REB');",
        )
        .unwrap();
        conn
    });
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    match eventwire_serve::params::events_query(raw) {
        Err(e) => assert!(!e.message.is_empty()),
        Ok(request) => {
            assert!(request.limit <= eventwire_serve::MAX_DOWNLOAD);
            if let Some(query) = eventwire_serve::search_query(&request.filters) {
                INDEX.with(|conn| {
                    conn.borrow()
                        .query_row(
                            "SELECT count(*) FROM serve_search WHERE serve_search MATCH ?1",
                            [&query],
                            |r| r.get::<_, i64>(0),
                        )
                        .unwrap_or_else(|e| panic!("{query:?} is not valid FTS5: {e}"));
                });
            }
        }
    }
});
