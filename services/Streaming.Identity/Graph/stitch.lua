-- Stitches a batch of events of ONE tenant into persons, atomically (one script call).
--
-- Every key lives under the tenant's hash tag, the prefix of KEYS[1] ('{t:<tenant>}:'), so the
-- script touches one Redis Cluster slot. Keys found by reading (persons, identifiers) cannot be
-- declared up front; Redis allows that for keys of the declared key's slot.
--
-- Keys (after the prefix):
--   seq                 person id counter (KEYS[1]); ids only grow, so a smaller id is an older person
--   i:<type>:<value>    identifier -> person id; always a live person (a merge rewrites them)
--   p:<person>          hash: c (created at), cm (created by message), n:<type> (count of that type),
--                       f:<type>:<value> = '<first seen (event time)>|<source>', l:<type>:<value> = last received,
--                       a:<absorbed> = merged at, x:<person> / x:i:<type>:<value> = refusal recorded
--   r:<absorbed>        absorbed person -> survivor, kept forever (points at the root: merges rewrite it)
--   h:<person>          list of merge and refusal records (JSON): the audit trail
--   m:<gen>:<bucket>    dedup fence: hash '<message hash>' -> '<receivedAt>|<position>|<person>[|+]'
--   mm:<messageId>      merge records of a fenced message that caused merges or refusals (JSON)
--
-- ARGV: window ms, limit count, (type, max)*, then per event until the end:
--   messageId, fence key, previous fence key, fence field, fence expiry (unix ms), position,
--   receivedAt, timestamp, source, event type, identifier count, (type, value)*
--   Identifiers come strongest first and free of junk; type '?previous' is an alias's previousId.
--
-- Returns one string per event: a status letter, the person id, and '|' + JSON merge records if any.
--   N = stitched now; R = this message at this position was applied before (same result);
--   D = duplicate: the same messageId at another position within the window (dropped).

local prefix = string.sub(KEYS[1], 1, -4)
local window = tonumber(ARGV[1])
local limits, limitOf = {}, {}
local a = 3
for _ = 1, tonumber(ARGV[2]) do
  local t, max = ARGV[a], tonumber(ARGV[a + 1])
  limits[#limits + 1] = { t, max }
  limitOf[t] = max
  a = a + 2
end

local function pkey(p) return prefix .. 'p:' .. p end
local function hkey(p) return prefix .. 'h:' .. p end

local function count(p, t)
  if not p then return 0 end
  local n = redis.call('HGET', pkey(p), 'n:' .. t)
  if n then return tonumber(n) end
  return 0
end

-- values of type t a person carries, sorted (only for the text of a refusal)
local function values(p, t)
  local out, pre = {}, 'f:' .. t .. ':'
  if p then
    local all = redis.call('HGETALL', pkey(p))
    for i = 1, #all, 2 do
      if string.sub(all[i], 1, #pre) == pre then out[#out + 1] = string.sub(all[i], #pre + 1) end
    end
  end
  table.sort(out)
  return out
end

local function create(ev)
  local p = string.format('%d', redis.call('INCR', KEYS[1]))
  redis.call('HSET', pkey(p), 'c', ev.ts, 'cm', ev.msg)
  return p
end

local function attach(p, tv, t, ev)
  redis.call('SET', prefix .. 'i:' .. tv, p)
  redis.call('HSET', pkey(p), 'f:' .. tv, ev.ts .. '|' .. ev.source, 'l:' .. tv, ev.recv)
  redis.call('HINCRBY', pkey(p), 'n:' .. t, 1)
end

-- last seen is the receivedAt of the latest event carrying it: receivedAt follows the input order,
-- so one unconditional write is enough (an event time would need a read to never move backwards)
local function touch(p, tv, recv)
  redis.call('HSET', pkey(p), 'l:' .. tv, recv)
end

-- absorbed's identifiers, counts, refusals and history move to survivor; absorbed redirects forever
local function merge(s, ab, ev)
  local skey = pkey(s)
  local all = redis.call('HGETALL', pkey(ab))
  for i = 1, #all, 2 do
    local f, v = all[i], all[i + 1]
    local kind = string.sub(f, 1, 2)
    if kind == 'f:' then
      redis.call('HSET', skey, f, v)
      redis.call('SET', prefix .. 'i:' .. string.sub(f, 3), s)
    elseif kind == 'l:' then
      redis.call('HSET', skey, f, v)
    elseif kind == 'x:' then
      if string.sub(f, 3) ~= s then redis.call('HSET', skey, f, v) end
    elseif kind == 'n:' then
      redis.call('HINCRBY', skey, f, tonumber(v))
    elseif kind == 'a:' then
      -- persons the absorbed one had absorbed now redirect straight to the new root
      redis.call('HSET', skey, f, v)
      redis.call('SET', prefix .. 'r:' .. string.sub(f, 3), s)
    end
  end
  redis.call('HSET', skey, 'a:' .. ab, ev.recv)
  redis.call('SET', prefix .. 'r:' .. ab, s)
  redis.call('DEL', pkey(ab))
  local moved = redis.call('LRANGE', hkey(ab), 0, -1)
  for _, entry in ipairs(moved) do redis.call('RPUSH', hkey(s), entry) end
  redis.call('DEL', hkey(ab))
end

local function record(ev, merges, rec, pushTo)
  rec.k = tostring(#merges)
  rec.m = ev.msg
  rec.e = ev.etype
  rec.src = ev.source
  rec.at = ev.recv
  merges[#merges + 1] = rec
  local json = cjson.encode(rec)
  for _, p in ipairs(pushTo) do redis.call('RPUSH', hkey(p), json) end
end

local function stitch(ev, ids)
  local g = nil                  -- the event's person so far (nil: not created yet)
  local gnew, gcount = {}, {}    -- unknown identifiers that join g, and their count per type
  local merges, seen, done, moved = {}, {}, {}, {}
  local function groupCount(t) return count(g, t) + (gcount[t] or 0) end
  local function ensure() if not g then g = create(ev) end end
  local function live(p) while moved[p] do p = moved[p] end return p end
  local function groupValues(t)
    local out = values(g, t)
    for _, n in ipairs(gnew) do if n[2] == t then out[#out + 1] = string.sub(n[1], #t + 2) end end
    return table.concat(out, ', ')
  end

  for _, id in ipairs(ids) do
    local t, v = id[1], id[2]
    if t == '?previous' then
      if redis.call('EXISTS', prefix .. 'i:userId:' .. v) == 1 then t = 'userId' else t = 'anonymousId' end
    end
    local tv = t .. ':' .. v
    if not done[tv] then
      done[tv] = true
      local owner = redis.call('GET', prefix .. 'i:' .. tv)
      if not owner then
        local max = limitOf[t]
        if max and groupCount(t) + 1 > max then
          -- the event's person is full for this type: the identifier stays unlinked
          ensure()
          if redis.call('HSETNX', pkey(g), 'x:i:' .. tv, ev.recv) == 1 then
            record(ev, merges, { o = 'refused', s = g, a = '0', t = t, v = v,
              r = string.format('person %s already carries %d %s (%s); at most %d per person, so %s %s was not linked',
                g, groupCount(t), t, groupValues(t), max, t, v) }, { g })
          end
        else
          gnew[#gnew + 1] = { tv, t }
          gcount[t] = (gcount[t] or 0) + 1
        end
      elseif owner == g or (not g and #gnew == 0) then
        g = owner
        seen[#seen + 1] = { owner, tv }
      else
        local ct, cmax
        for _, l in ipairs(limits) do
          if groupCount(l[1]) + count(owner, l[1]) > l[2] then ct, cmax = l[1], l[2]; break end
        end
        if ct then
          -- merge protection: both sides carry different identifiers of a limited type
          local mine = groupValues(ct)
          ensure()
          local s, ab = owner, g
          if tonumber(ab) < tonumber(s) then s, ab = ab, s end
          if redis.call('HSETNX', pkey(g), 'x:' .. owner, ev.recv) == 1 then
            redis.call('HSET', pkey(owner), 'x:' .. g, ev.recv)
            record(ev, merges, { o = 'refused', s = s, a = ab, t = t, v = v,
              r = string.format('%s %s links person %s (%s %s) and person %s (%s %s); at most %d %s per person, so they stay apart',
                t, v, g, ct, mine, owner, ct, table.concat(values(owner, ct), ', '), cmax, ct) }, { s, ab })
          end
          seen[#seen + 1] = { owner, tv }
        elseif not g then
          g = owner
          seen[#seen + 1] = { owner, tv }
        else
          local s, ab = g, owner
          if tonumber(ab) < tonumber(s) then s, ab = ab, s end
          merge(s, ab, ev)
          moved[ab] = s
          g = s
          record(ev, merges, { o = 'merged', s = s, a = ab, t = t, v = v,
            r = string.format('%s %s belongs to both persons', t, v) }, { s })
          seen[#seen + 1] = { owner, tv }
        end
      end
    end
  end

  ensure()
  for _, n in ipairs(gnew) do attach(g, n[1], n[2], ev) end
  for _, s in ipairs(seen) do touch(live(s[1]), s[2], ev.recv) end
  return g, merges
end

local results = {}
local expiring = {}
while a <= #ARGV do
  local ev = {
    msg = ARGV[a], fence = prefix .. ARGV[a + 1], previous = prefix .. ARGV[a + 2], field = ARGV[a + 3],
    expire = ARGV[a + 4], pos = ARGV[a + 5], recv = ARGV[a + 6], ts = ARGV[a + 7], source = ARGV[a + 8],
    etype = ARGV[a + 9],
  }
  local n = tonumber(ARGV[a + 10])
  local ids = {}
  for i = 1, n do ids[i] = { ARGV[a + 9 + 2 * i], ARGV[a + 10 + 2 * i] } end
  a = a + 11 + 2 * n

  local out = nil
  local stored = redis.call('HGET', ev.fence, ev.field) or redis.call('HGET', ev.previous, ev.field)
  if stored then
    local recv0, pos0, person0, more = string.match(stored, '^([^|]*)|([^|]*)|([^|]*)(.*)$')
    local same = pos0 == ev.pos
    if same or math.abs(tonumber(ev.recv) - tonumber(recv0)) <= window then
      local result = person0
      if more == '|+' then result = result .. '|' .. (redis.call('GET', prefix .. 'mm:' .. ev.msg) or '[]') end
      if same then out = 'R' .. result else out = 'D' .. result end
    end
  end
  if not out then
    local person, merges = stitch(ev, ids)
    local fence = ev.recv .. '|' .. ev.pos .. '|' .. person
    local result = person
    if #merges > 0 then
      local json = cjson.encode(merges)
      redis.call('SET', prefix .. 'mm:' .. ev.msg, json)
      redis.call('PEXPIREAT', prefix .. 'mm:' .. ev.msg, ev.expire)
      fence = fence .. '|+'
      result = result .. '|' .. json
    end
    redis.call('HSET', ev.fence, ev.field, fence)
    if not expiring[ev.fence] then
      redis.call('PEXPIREAT', ev.fence, ev.expire)
      expiring[ev.fence] = true
    end
    out = 'N' .. result
  end
  results[#results + 1] = out
end
return results
