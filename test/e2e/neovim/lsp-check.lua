-- Headless Neovim (0.7.2+) as an LSP client of the iis6-metabase language server over stdio.
--   nvim --headless -u NONE -i NONE -n -c "luafile test/e2e/neovim/lsp-check.lua"
-- Environment:
--   IIS6_SERVER      path of dist/server.js (started as: node <it> --stdio)
--   IIS6_FILE        the MetaBase.xml to open (a copy: the check does not write it)
--   IIS6_EXPECT      text on the line that must get a diagnostic, e.g. ServerAutoStart="ture"
--   IIS6_EXPECT_CODE that diagnostic's code, e.g. invalid-value
--   IIS6_TIMEOUT_MS  how long to wait for diagnostics (default 20000)
-- Prints one line per fact, for test/e2e/neovim.test.ts to parse:
--   CLIENT <name> <version>      CAPS <json of server capabilities>
--   DIAG <line>:<col> <severity> <code> <message>   (1-based)
--   HOVER <first line of hover markdown>  (only when the server offers hover)
--   RESULT PASS | RESULT FAIL <reason>
-- and exits 0 on PASS, 1 on FAIL.
local out = function(s) io.stdout:write(s .. '\n') end
local env = function(k, default)
  local v = os.getenv(k)
  if v == nil or v == '' then return default end
  return v
end

local server = env('IIS6_SERVER')
local file = env('IIS6_FILE')
local expect = env('IIS6_EXPECT', 'ServerAutoStart="ture"')
local expect_code = env('IIS6_EXPECT_CODE', 'invalid-value')
local timeout = tonumber(env('IIS6_TIMEOUT_MS', '20000'))
local failures = {}
local fail = function(reason) table.insert(failures, reason) end

local ok, err = pcall(function()
  assert(server and file, 'IIS6_SERVER and IIS6_FILE must be set')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'iis-metabase' -- sent as the LSP languageId, like VS Code's

  -- Line (0-based) and column of the expected text.
  local want_line, want_col
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local c = l:find(expect, 1, true)
    if c then want_line, want_col = i - 1, c - 1 break end
  end
  if not want_line then error('"' .. expect .. '" not found in ' .. file) end

  local id = vim.lsp.start_client({
    name = 'iis6-metabase',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    settings = { iis6Metabase = vim.empty_dict() },
    on_exit = function(code, signal) if code ~= 0 then out(('SERVER_EXIT %d %d'):format(code, signal)) end end,
  })
  assert(id, 'vim.lsp.start_client failed')
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)

  local got = vim.wait(timeout, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if d.lnum == want_line and code == expect_code then return true end
    end
    return false
  end, 50)

  if client and client.server_capabilities then
    out('CLIENT ' .. (client.name or '?'))
    out('CAPS ' .. vim.fn.json_encode(client.server_capabilities))
  end
  local sev = { 'error', 'warning', 'information', 'hint' }
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or '-'
    out(('DIAG %d:%d %s %s %s'):format(d.lnum + 1, d.col + 1, sev[d.severity] or '?', code, (d.message:gsub('\n', ' '))))
  end
  if not got then fail(('no %s diagnostic on line %d within %d ms'):format(expect_code, want_line + 1, timeout)) end

  if client and client.server_capabilities and client.server_capabilities.hoverProvider then
    local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
      { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = want_line, character = want_col + 1 } }, 10000)
    local text
    for _, r in pairs(res or {}) do
      local c = r.result and r.result.contents
      if type(c) == 'table' then text = c.value or (c[1] and (c[1].value or c[1])) elseif type(c) == 'string' then text = c end
    end
    if text then out('HOVER ' .. (tostring(text):gsub('\n.*', ''))) else fail('hover returned nothing') end
  end

  vim.lsp.stop_client(id)
  vim.wait(3000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
end)

if not ok then fail(tostring(err)) end
if #failures == 0 then
  out('RESULT PASS')
  vim.cmd('qall!')
else
  out('RESULT FAIL ' .. table.concat(failures, '; '))
  vim.cmd('cquit 1')
end
