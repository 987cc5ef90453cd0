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
--   m:<gen>:<bucket>    dedup fence: hash '<message hash>' -> '<receivedAt>|<position>|<person>[|+]', plus field
--                       'e' = its expiry, written with the PEXPIREAT when missing (so expiry costs no call per event)
--   mm:<messageId>      merge records of a fenced message that caused merges or refusals (JSON)
--
-- ARGV: window ms, limit count, (type, max)*, then the events as ONE MessagePack array (cmsgpack.unpack),
--   per event: messageId, fence key, previous fence key (both with the prefix), fence field, fence expiry
--   (unix ms), position, receivedAt, timestamp, source, event type, identifier count (an integer),
--   (type, value)*. One argument spares Redis an object per value (see StitchArguments.cs).
--   Identifiers come strongest first and free of junk; type '?previous' is an alias's previousId.
--
-- Cost (each redis.call is the unit): the identifiers of the whole batch are read with one MGET up front
-- and kept in a table that every write of an 'i:' key updates; last-seen writes are gathered and made
-- once per person at the end of the batch; a new person's fields are written with one HSET. An event of
-- a known person then costs the fence read (one HMGET, plus one HGET of the previous generation) and write.
--
-- Returns one string per event: a status letter, the person id, and '|' + JSON merge records if any.
--   N = stitched now; R = this message at this position was applied before (same result);
--   D = duplicate: the same messageId at another position within the window (dropped).

local unpack = unpack or table.unpack
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

local data -- the events (see ARGV above), unpacked by batch()

local function pkey(p) return prefix .. 'p:' .. p end
local function hkey(p) return prefix .. 'h:' .. p end

-- identifier -> live person ('type:value' -> id, or false when nobody carries it), read once per batch
local owners = {}
local function ownerOf(tv)
  local o = owners[tv]
  if o == nil then
    o = redis.call('GET', prefix .. 'i:' .. tv) or false
    owners[tv] = o
  end
  return o
end
local function setOwner(tv, p)
  owners[tv] = p
  redis.call('SET', prefix .. 'i:' .. tv, p)
end

-- persons absorbed in this batch -> survivor, and last-seen writes waiting for the end of the batch:
-- identifier -> { person that carried it, receivedAt } of the latest event naming it
local moved = {}
local function live(p) while moved[p] do p = moved[p] end return p end
local lastSeen, lastSeenOrder = {}, {}
local function touch(p, tv, recv)
  if not lastSeen[tv] then lastSeenOrder[#lastSeenOrder + 1] = tv end
  lastSeen[tv] = { p, recv }
end

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

-- absorbed's identifiers, counts, refusals and history move to survivor; absorbed redirects forever
local function merge(s, ab, ev)
  local skey = pkey(s)
  local all = redis.call('HGETALL', pkey(ab))
  for i = 1, #all, 2 do
    local f, v = all[i], all[i + 1]
    local kind = string.sub(f, 1, 2)
    if kind == 'f:' then
      redis.call('HSET', skey, f, v)
      setOwner(string.sub(f, 3), s)
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

local function stitch(ev)
  local g = nil                  -- the event's person so far (nil: not created yet)
  local fresh = nil              -- the person this event created (its fields are written at the end)
  local gnew, gcount = {}, {}    -- unknown identifiers that join g, and their count per type
  local merges, done = {}, {}
  local function groupCount(t) return count(g, t) + (gcount[t] or 0) end
  local function ensure()
    if not g then
      g = string.format('%d', redis.call('INCR', KEYS[1]))
      fresh = g
    end
  end
  local function groupValues(t)
    local out = values(g, t)
    for _, n in ipairs(gnew) do if n[2] == t then out[#out + 1] = string.sub(n[1], #t + 2) end end
    return table.concat(out, ', ')
  end

  for i = 1, ev.n do
    local t, v = data[ev.at + 2 * i - 2], data[ev.at + 2 * i - 1]
    if t == '?previous' then
      if ownerOf('userId:' .. v) then t = 'userId' else t = 'anonymousId' end
    end
    local tv = t .. ':' .. v
    if not done[tv] then
      done[tv] = true
      local owner = ownerOf(tv)
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
        touch(owner, tv, ev.recv)
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
          touch(owner, tv, ev.recv)
        elseif not g then
          g = owner
          touch(owner, tv, ev.recv)
        else
          local s, ab = g, owner
          if tonumber(ab) < tonumber(s) then s, ab = ab, s end
          merge(s, ab, ev)
          moved[ab] = s
          g = s
          record(ev, merges, { o = 'merged', s = s, a = ab, t = t, v = v,
            r = string.format('%s %s belongs to both persons', t, v) }, { s })
          touch(owner, tv, ev.recv)
        end
      end
    end
  end

  ensure()
  -- the unknown identifiers join g: one HSET for their fields (and a new person's own), one SET each
  if #gnew > 0 or fresh == g then
    local fields = {}
    if fresh == g then
      fields[1], fields[2], fields[3], fields[4] = 'c', ev.ts, 'cm', ev.msg
    end
    local firstSeen = ev.ts .. '|' .. ev.source
    for _, n in ipairs(gnew) do
      fields[#fields + 1] = 'f:' .. n[1]
      fields[#fields + 1] = firstSeen
      fields[#fields + 1] = 'l:' .. n[1]
      fields[#fields + 1] = ev.recv
      setOwner(n[1], g)
    end
    for t, c in pairs(gcount) do
      if fresh == g then
        fields[#fields + 1] = 'n:' .. t
        fields[#fields + 1] = c
      else
        redis.call('HINCRBY', pkey(g), 'n:' .. t, c)
      end
    end
    redis.call('HSET', pkey(g), unpack(fields))
  end
  return g, merges
end

local function batch()
  data = cmsgpack.unpack(ARGV[a])
  -- the events, and every identifier they name, read from Redis in one call
  local events = {}
  local wanted, wantedKeys = {}, {}
  local function want(tv)
    if not wanted[tv] then
      wanted[tv] = true
      wantedKeys[#wantedKeys + 1] = tv
    end
  end
  local b, total = 1, #data
  while b <= total do
    local n = data[b + 10]
    events[#events + 1] = {
      msg = data[b], fence = data[b + 1], previous = data[b + 2], field = data[b + 3],
      expire = data[b + 4], pos = data[b + 5], recv = data[b + 6], ts = data[b + 7], source = data[b + 8],
      etype = data[b + 9], n = n, at = b + 11,
    }
    for i = 1, n do
      local t, v = data[b + 9 + 2 * i], data[b + 10 + 2 * i]
      if t == '?previous' then
        want('userId:' .. v)
        want('anonymousId:' .. v)
      else
        want(t .. ':' .. v)
      end
    end
    b = b + 11 + 2 * n
  end
  for from = 1, #wantedKeys, 1000 do
    local to = math.min(from + 999, #wantedKeys)
    local keys = {}
    for i = from, to do keys[#keys + 1] = prefix .. 'i:' .. wantedKeys[i] end
    local found = redis.call('MGET', unpack(keys))
    for i = from, to do owners[wantedKeys[i]] = found[i - from + 1] end
  end

  local results = {}
  for _, ev in ipairs(events) do
    local out = nil
    local current = redis.call('HMGET', ev.fence, ev.field, 'e')
    local stored = current[1] or redis.call('HGET', ev.previous, ev.field)
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
      local person, merges = stitch(ev)
      local fence = ev.recv .. '|' .. ev.pos .. '|' .. person
      local result = person
      if #merges > 0 then
        local json = cjson.encode(merges)
        redis.call('SET', prefix .. 'mm:' .. ev.msg, json)
        redis.call('PEXPIREAT', prefix .. 'mm:' .. ev.msg, ev.expire)
        fence = fence .. '|+'
        result = result .. '|' .. json
      end
      if current[2] then
        redis.call('HSET', ev.fence, ev.field, fence)
      else
        -- first write to this fence hash (or one written before the marker existed): give it its expiry
        redis.call('HSET', ev.fence, ev.field, fence, 'e', ev.expire)
        redis.call('PEXPIREAT', ev.fence, ev.expire)
      end
      out = 'N' .. result
    end
    results[#results + 1] = out
  end

  -- last seen: one write per person of the batch, on whoever carries the identifier now
  local byPerson, persons = {}, {}
  for _, tv in ipairs(lastSeenOrder) do
    local seen = lastSeen[tv]
    local p = live(seen[1])
    local fields = byPerson[p]
    if not fields then
      fields = {}
      byPerson[p] = fields
      persons[#persons + 1] = p
    end
    fields[#fields + 1] = 'l:' .. tv
    fields[#fields + 1] = seen[2]
  end
  for _, p in ipairs(persons) do redis.call('HSET', pkey(p), unpack(byPerson[p])) end
  return results
end

-- A batch makes thousands of short-lived strings and tables: collecting once after it costs about a
-- tenth less than letting the incremental collector re-mark the batch's data all along. The collector
-- is restarted whatever happens (the Lua state is shared with every other script).
collectgarbage('stop')
local ok, answer = pcall(batch)
collectgarbage('restart')
if not ok then error(answer, 0) end
return answer
