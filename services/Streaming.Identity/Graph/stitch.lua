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
--   Identifiers come strongest first and free of junk; type '?previous' is an alias's previousId, type
--   '?person' a person the platform already named (header streaming-person), always first.
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

-- small counts as strings: a Lua number passed to redis.call is formatted with '%.17g', which is slow
local digits = {}
for i = 1, 32 do digits[i] = string.format('%d', i) end
local function text(n) return digits[n] or string.format('%d', n) end

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
-- identifier -> the person that carried it and the receivedAt of the latest event naming it
local moved = {}
local function live(p) while moved[p] do p = moved[p] end return p end
local seenBy, seenAt, seenOrder = {}, {}, {}
local function touch(p, tv, recv)
  if not seenBy[tv] then seenOrder[#seenOrder + 1] = tv end
  seenBy[tv], seenAt[tv] = p, recv
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

-- the event being stitched: its fields, and the state of its stitching (tables made only when needed)
local msg, recv, ts, source, etype
local g                 -- the event's person so far (nil: not created yet)
local gvia              -- the identifier ('type:value') that made g an existing person, for the text of a refusal
local fresh             -- the person this event created (its fields are written at the end)
local gnew, gcount      -- unknown identifiers that join g ({ 'type:value', type }), their count per type
local merges            -- merge and refusal records of the event
local names = {}        -- 'type:value' of the event's identifiers so far (to skip repeats)

-- absorbed's identifiers, counts, refusals and history move to survivor; absorbed redirects forever
local function merge(s, ab)
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
      redis.call('HINCRBY', skey, f, v)
    elseif kind == 'a:' then
      -- persons the absorbed one had absorbed now redirect straight to the new root
      redis.call('HSET', skey, f, v)
      redis.call('SET', prefix .. 'r:' .. string.sub(f, 3), s)
    end
  end
  redis.call('HSET', skey, 'a:' .. ab, recv)
  redis.call('SET', prefix .. 'r:' .. ab, s)
  redis.call('DEL', pkey(ab))
  local history = redis.call('LRANGE', hkey(ab), 0, -1)
  for _, entry in ipairs(history) do redis.call('RPUSH', hkey(s), entry) end
  redis.call('DEL', hkey(ab))
end

local function record(rec, pushTo)
  merges = merges or {}
  rec.k = tostring(#merges)
  rec.m = msg
  rec.e = etype
  rec.src = source
  rec.at = recv
  merges[#merges + 1] = rec
  local json = cjson.encode(rec)
  for _, p in ipairs(pushTo) do redis.call('RPUSH', hkey(p), json) end
end

local function groupCount(t) return count(g, t) + (gcount and gcount[t] or 0) end
local function ensure()
  if not g then
    g = string.format('%d', redis.call('INCR', KEYS[1]))
    fresh = g
  end
end
-- at most 5 values in the text of a refusal: a limit of 50 devices would otherwise make a 50-value reason
local function listed(list)
  if #list <= 5 then return table.concat(list, ', ') end
  return table.concat({ unpack(list, 1, 5) }, ', ') .. string.format(', ... (%d in all)', #list)
end
local function groupValues(t)
  local out = values(g, t)
  if gnew then
    for _, n in ipairs(gnew) do if n[2] == t then out[#out + 1] = string.sub(n[1], #t + 2) end end
  end
  return listed(out)
end

-- the identifiers are data[at], data[at + 1], ... (type, value) * n
local function stitch(at, n)
  g, fresh, gnew, gcount, merges, gvia = nil, nil, nil, nil, nil, nil
  for i = 1, n do
    local t, v = data[at + 2 * i - 2], data[at + 2 * i - 1]
    if t == '?person' then
      -- a platform event about a known person (a tracked link's click): that person, or whom it was
      -- merged into; it comes first, links nothing and creates nobody
      names[i] = ''
      if not g then g = live(redis.call('GET', prefix .. 'r:' .. v) or v) end
    else
    if t == '?previous' then
      if ownerOf('userId:' .. v) then t = 'userId' else t = 'anonymousId' end
    end
    local tv = t .. ':' .. v
    local repeated = false
    for j = 1, i - 1 do if names[j] == tv then repeated = true; break end end
    names[i] = tv
    if not repeated then
      local owner = ownerOf(tv)
      if not owner then
        local max = limitOf[t]
        if max and groupCount(t) + 1 > max then
          -- the event's person is full for this type: the identifier stays unlinked
          ensure()
          if redis.call('HSETNX', pkey(g), 'x:i:' .. tv, recv) == 1 then
            record({ o = 'refused', s = g, a = '0', t = t, v = v,
              r = string.format('person %s already carries %d %s (%s); at most %d per person, so %s %s was not linked',
                g, groupCount(t), t, groupValues(t), max, t, v) }, { g })
          end
        else
          gnew = gnew or {}
          gcount = gcount or {}
          gnew[#gnew + 1] = { tv, t }
          gcount[t] = (gcount[t] or 0) + 1
        end
      elseif owner == g or (not g and not gnew) then
        if not g then gvia = tv end
        g = owner
        touch(owner, tv, recv)
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
          if redis.call('HSETNX', pkey(g), 'x:' .. owner, recv) == 1 then
            redis.call('HSET', pkey(owner), 'x:' .. g, recv)
            local reason = string.format('%s %s links person %s (%s %s) and person %s (%s %s); at most %d %s per person, so they stay apart',
                t, v, g, ct, mine, owner, ct, listed(values(owner, ct)), cmax, ct)
            -- the event reached g through a stronger identifier (e.g. an e-mail hash many devices share): name it
            if gvia then reason = reason .. string.format('; the event reached person %s through %s', g, (string.gsub(gvia, ':', ' ', 1))) end
            record({ o = 'refused', s = s, a = ab, t = t, v = v, r = reason }, { s, ab })
          end
          touch(owner, tv, recv)
        elseif not g then
          g = owner
          gvia = tv
          touch(owner, tv, recv)
        else
          local s, ab = g, owner
          if tonumber(ab) < tonumber(s) then s, ab = ab, s end
          merge(s, ab)
          moved[ab] = s
          g = s
          record({ o = 'merged', s = s, a = ab, t = t, v = v,
            r = string.format('%s %s belongs to both persons', t, v) }, { s })
          touch(owner, tv, recv)
        end
      end
    end
    end
  end

  ensure()
  -- the unknown identifiers join g: one HSET for their fields (and a new person's own), one SET each
  if gnew or fresh == g then
    local fields = {}
    if fresh == g then
      fields[1], fields[2], fields[3], fields[4] = 'c', ts, 'cm', msg
    end
    if gnew then
      local firstSeen = ts .. '|' .. source
      for _, new in ipairs(gnew) do
        fields[#fields + 1] = 'f:' .. new[1]
        fields[#fields + 1] = firstSeen
        fields[#fields + 1] = 'l:' .. new[1]
        fields[#fields + 1] = recv
        setOwner(new[1], g)
      end
      for t, c in pairs(gcount) do
        if fresh == g then
          fields[#fields + 1] = 'n:' .. t
          fields[#fields + 1] = text(c)
        else
          redis.call('HINCRBY', pkey(g), 'n:' .. t, text(c))
        end
      end
    end
    redis.call('HSET', pkey(g), unpack(fields))
  end
  return g, merges
end

local function batch()
  data = cmsgpack.unpack(ARGV[a])
  -- every identifier the events name, read from Redis in one call
  local total, wanted, wantedKeys = #data, {}, {}
  local function want(tv)
    if not wanted[tv] then
      wanted[tv] = true
      wantedKeys[#wantedKeys + 1] = tv
    end
  end
  local b = 1
  while b <= total do
    local n = data[b + 10]
    for i = 1, n do
      local t, v = data[b + 9 + 2 * i], data[b + 10 + 2 * i]
      if t == '?previous' then
        want('userId:' .. v)
        want('anonymousId:' .. v)
      elseif t ~= '?person' then
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

  -- event by event: the fence, then stitching
  local results = {}
  b = 1
  while b <= total do
    local fenceKey, previousKey, field, expire, pos = data[b + 1], data[b + 2], data[b + 3], data[b + 4], data[b + 5]
    local n = data[b + 10]
    msg, recv, ts, source, etype = data[b], data[b + 6], data[b + 7], data[b + 8], data[b + 9]
    local out = nil
    local current = redis.call('HMGET', fenceKey, field, 'e')
    local stored = current[1] or redis.call('HGET', previousKey, field)
    if stored then
      local recv0, pos0, person0, more = string.match(stored, '^([^|]*)|([^|]*)|([^|]*)(.*)$')
      local same = pos0 == pos
      if same or math.abs(tonumber(recv) - tonumber(recv0)) <= window then
        local result = person0
        if more == '|+' then result = result .. '|' .. (redis.call('GET', prefix .. 'mm:' .. msg) or '[]') end
        if same then out = 'R' .. result else out = 'D' .. result end
      end
    end
    if not out then
      local person, made = stitch(b + 11, n)
      local fence
      if made then
        local json = cjson.encode(made)
        redis.call('SET', prefix .. 'mm:' .. msg, json)
        redis.call('PEXPIREAT', prefix .. 'mm:' .. msg, expire)
        fence = recv .. '|' .. pos .. '|' .. person .. '|+'
        out = 'N' .. person .. '|' .. json
      else
        fence = recv .. '|' .. pos .. '|' .. person
        out = 'N' .. person
      end
      if current[2] then
        redis.call('HSET', fenceKey, field, fence)
      else
        -- first write to this fence hash (or one written before the marker existed): give it its expiry
        redis.call('HSET', fenceKey, field, fence, 'e', expire)
        redis.call('PEXPIREAT', fenceKey, expire)
      end
    end
    results[#results + 1] = out
    b = b + 11 + 2 * n
  end

  -- last seen: one write per person of the batch, on whoever carries the identifier now
  local byPerson, persons = {}, {}
  for _, tv in ipairs(seenOrder) do
    local p = live(seenBy[tv])
    local fields = byPerson[p]
    if not fields then
      fields = {}
      byPerson[p] = fields
      persons[#persons + 1] = p
    end
    fields[#fields + 1] = 'l:' .. tv
    fields[#fields + 1] = seenAt[tv]
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
