<?php

declare(strict_types=1);

return new class {
    public function up(PDO $db): void
    {
        $db->exec('CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job TEXT NOT NULL,
            payload TEXT NOT NULL,
            queued_at REAL NOT NULL,
            reserved_by TEXT,
            reserved_at REAL,
            processed_at REAL
        )');
        $db->exec('CREATE INDEX jobs_free ON jobs (reserved_by, id)');
    }
};
