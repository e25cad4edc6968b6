-- pgbench script for `python -m load.bench`: the statements the backend sends for the same mix
-- (50% list, 20% create, 15% toggle, 10% update, 5% get). Run with -M prepared and
-- -D users=N -D tasks=T -D first_user=F: user ids are F..F+N-1, user k owns ids (k-F)*T+1 ...
\set r random(1, 100)
\set k random(0, :users - 1)
\set uid :first_user + :k
\set id :k * :tasks + random(1, :tasks)
\if :r <= 50
SELECT id, user_id, title, description, completed, created_at, updated_at, count(*) OVER () AS total
  FROM tasks WHERE user_id = :uid ORDER BY created_at, id OFFSET 0;
\elif :r <= 70
INSERT INTO tasks (user_id, title, description, completed)
  VALUES (:uid, 'Benchmark task', 'created by pgbench', false)
  RETURNING id, user_id, title, description, completed, created_at, updated_at;
\elif :r <= 85
UPDATE tasks SET completed = NOT completed,
    updated_at = greatest(clock_timestamp(), updated_at + interval '1 microsecond')
  WHERE id = :id AND user_id = :uid
  RETURNING id, user_id, title, description, completed, created_at, updated_at;
\elif :r <= 95
UPDATE tasks SET title = 'Renamed by pgbench',
    updated_at = greatest(clock_timestamp(), updated_at + interval '1 microsecond')
  WHERE id = :id AND user_id = :uid
  RETURNING id, user_id, title, description, completed, created_at, updated_at;
\else
SELECT id, user_id, title, description, completed, created_at, updated_at
  FROM tasks WHERE id = :id AND user_id = :uid;
\endif
