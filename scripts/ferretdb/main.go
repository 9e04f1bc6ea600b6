// microcourt-ferretdb: the embedded database for hosts that cannot download mongod.
//
// A MongoDB wire-protocol server (FerretDB 1.x, embeddable package) over pure-Go
// SQLite, with its files in one directory; or, with --postgresql-url, over a
// PostgreSQL database (FerretDB's PostgreSQL backend: each collection a table,
// filters of plain top-level equality evaluated by PostgreSQL instead of in Go). Built by scripts/build-ferretdb.sh with
// a plain `go build`; the server (server/db/embeddedFerretdb.ts) starts it when
// mongodb-memory-server cannot provide a mongod.
//
// It prints one line "microcourt-ferretdb listening <mongodb URI>" on stdout once it
// accepts connections (so the parent may ask for port 0), and it stops when its
// stdin closes, so a crashed parent never leaves an orphaned database behind.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on (port 0: any free port)")
	dataDir := flag.String("data-dir", "data/ferretdb", "directory for the SQLite database files")
	pgURL := flag.String("postgresql-url", "", "use this PostgreSQL database instead of SQLite (postgres://user@host:5432/db)")
	watchStdin := flag.Bool("exit-on-stdin-eof", false, "stop when stdin is closed (used when started by the server)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	version := flag.Bool("version", false, "print the version and exit")
	flag.Parse()

	if *version {
		fmt.Println("microcourt-ferretdb (FerretDB " + ferretdbVersion + ", sqlite or postgresql)")
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad --log-level: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
	}
	if *pgURL != "" {
		// The database must exist; FerretDB makes one schema per MongoDB database in it.
		config.Handler = "postgresql"
		config.PostgreSQLURL = *pgURL
	} else {
		dir, err := filepath.Abs(*dataDir)
		if err != nil {
			fail("bad --data-dir: %v", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			fail("cannot create the data directory %s: %v", dir, err)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + dir + "/"
	}

	db, err := ferretdb.New(&config)
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = db.Run(ctx)
		close(done)
	}()
	fmt.Printf("microcourt-ferretdb listening %s\n", db.MongoDBURI())
	<-done
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "microcourt-ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
