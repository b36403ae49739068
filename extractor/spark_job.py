"""The extraction as an Apache Spark job, for archives too big for one machine.

The same functions as the CLI (`extractor.reading` + `extractor.pipeline.safe_extract`) run inside
`mapPartitions`; nothing is reimplemented. Inputs: WARC files (one task per file) and JSONL or
Parquet article tables (`id`, `url`, `title`, `published`, `text`). Output: Parquet, one row per
record (the SPEC record as JSON in `record`, with its kind, article id, source, metric and value
as columns), partitioned by site and year.

    python -m extractor.spark_job --input 'crawl/*.warc.gz' --output out/ --master 'local[2]'
    spark-submit --master yarn --py-files cchc.whl scripts/cchc_spark.py --input hdfs:///cc-news/ --output hdfs:///cchc/
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

SCHEMA_DDL = ("kind string, article_id string, source string, metric string, value double, "
              "record string, error string, site string, year int")


def _rows(results: Iterable[Any]) -> Iterator[tuple]:
    from .model import ReadError

    for res in results:
        if isinstance(res, ReadError):
            yield ("error", None, res.source, None, None, None, res.reason, "_errors", 0)
            continue
        art = res[0]
        site = art.get("site") or (urlsplit(art.get("url") or "").hostname or "_local")
        year = int(art["published"][:4]) if art.get("published") and art["published"][:4].isdigit() else 0
        for r in res:
            v = r.get("value")
            yield (r["kind"], r["article_id"], r["source"], r.get("metric"),
                   float(v) if isinstance(v, (int, float)) else None,
                   json.dumps(r, ensure_ascii=False, sort_keys=True), None, site, year)


def extract_warc_paths(paths: Iterable[str]) -> Iterator[tuple]:
    """mapPartitions over WARC paths: read, extract, flatten to rows."""
    from .pipeline import safe_extract
    from .model import ReadError
    from .reading.warc import iter_warc

    def results():
        for p in paths:
            scheme = urlsplit(p).scheme
            if scheme in ("", "file"):
                items = iter_warc(urlsplit(p).path if scheme else p)
            else:  # hdfs://, s3a:// …: opened with fsspec on the executor
                items = _remote_warc(p)
            for item in items:
                yield item if isinstance(item, ReadError) else safe_extract(item)

    yield from _rows(results())


def _remote_warc(path: str) -> Iterator[Any]:
    from .model import ReadError
    from .reading.warc import iter_warc

    try:
        import fsspec

        f = fsspec.open(path.replace("s3a://", "s3://", 1), "rb").open()
    except Exception as e:  # noqa: BLE001 - no fsspec / no s3fs or pyarrow HDFS / no access: name the file, go on
        yield ReadError(path, f"cannot open on this executor ({e.__class__.__name__}: {e}); "
                              "install fsspec with s3fs (S3) or pyarrow HDFS support")
        return
    with f:
        yield from iter_warc(path, fileobj=f)


def extract_article_rows(rows: Iterable[Any]) -> Iterator[tuple]:
    """mapPartitions over article-table rows (JSONL / Parquet)."""
    from .pipeline import safe_extract
    from .model import ReadError
    from .reading.jsonl import article_from_obj

    def results():
        for n, row in enumerate(rows):
            obj = row.asDict() if hasattr(row, "asDict") else dict(row)
            name = obj.pop("_file", None) or "table"
            if name.startswith("file:"):
                name = urlsplit(name).path
            try:
                art = article_from_obj(obj, name, n)
            except ReadError as e:
                yield e
                continue
            yield safe_extract(art)

    yield from _rows(results())


def _is_warc(name: str) -> bool:
    return name.lower().endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))


def _warc_files(spark, pattern: str) -> list[str]:
    """WARC files matching a path, glob or folder, listed through Hadoop's file system (so
    hdfs:// and s3a:// work as well as local paths)."""
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(pattern)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    out = []
    for st in fs.globStatus(hpath) or []:
        if st.isDirectory():
            out += [str(x.getPath()) for x in fs.listStatus(st.getPath()) if _is_warc(str(x.getPath()))]
        elif _is_warc(str(st.getPath())):
            out.append(str(st.getPath()))
    return out


def _is_file(spark, path: str) -> bool:
    if any(ch in path for ch in "*?[{"):
        return False
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return fs.isFile(hpath)


def run(spark, inputs: list[str], output: str, fmt: str = "auto", partitions: int | None = None) -> int:
    """Extract `inputs` and write Parquet to `output`; returns the number of rows written."""
    warc_files: list[str] = []
    tables: list[str] = []
    for p in inputs:  # a WARC file, glob or folder of WARCs; anything else is an article table
        found = _warc_files(spark, p)
        if found:
            warc_files += found
        else:
            tables.append(p)
    frames = []
    if warc_files:
        paths = sorted(set(warc_files))
        rdd = spark.sparkContext.parallelize(sorted(paths), partitions or max(1, len(paths)))
        frames.append(spark.createDataFrame(rdd.mapPartitions(extract_warc_paths), SCHEMA_DDL))
    for p in tables:
        kind = fmt if fmt != "auto" else ("parquet" if p.endswith(".parquet") or "parquet" in p else "json")
        df = spark.read.parquet(p) if kind == "parquet" else spark.read.json(p)
        # rows are named as the CLI names them: "<input>#<id>" (or their url)
        from pyspark.sql import functions as F

        df = df.withColumn("_file", F.lit(p) if _is_file(spark, p) else F.input_file_name())
        if partitions:
            df = df.repartition(partitions)
        frames.append(spark.createDataFrame(df.rdd.mapPartitions(extract_article_rows), SCHEMA_DDL))
    if not frames:
        raise SystemExit("no input")
    out = frames[0]
    for f in frames[1:]:
        out = out.unionByName(f)
    out = out.cache()
    out.write.mode("overwrite").partitionBy("site", "year").parquet(output)
    return out.count()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extractor.spark_job", description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", action="append", required=True, help="WARC files/globs/folders, or JSONL/Parquet tables")
    ap.add_argument("--output", required=True, help="Parquet output folder (partitioned by site and year)")
    ap.add_argument("--master", default=None, help="e.g. local[2]; leave unset under spark-submit")
    ap.add_argument("--format", default="auto", choices=["auto", "json", "parquet"])
    ap.add_argument("--partitions", type=int, default=None)
    args = ap.parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("cchc-extract")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.config("spark.ui.enabled", "false").getOrCreate()
    try:
        n = run(spark, args.input, args.output, args.format, args.partitions)
        print(f"cchc: wrote {n} rows to {args.output}", file=sys.stderr)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
