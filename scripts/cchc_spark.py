"""Entry script for spark-submit (which runs a file, not a module):

    spark-submit --py-files cchc.whl scripts/cchc_spark.py --input ... --output ...
"""
import sys

from extractor.spark_job import main

if __name__ == "__main__":
    sys.exit(main())
